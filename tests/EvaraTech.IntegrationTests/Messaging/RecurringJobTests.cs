using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.IntegrationTests.Infrastructure;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>An instance that runs jobs declares the recurring schedules, visible on the operator dashboard.</summary>
public sealed class RecurringJobTests
{
    private static readonly Dictionary<string, string> Expected = new()
    {
        [OutboxSweeper.JobId] = Cron.Minutely(),
        [OutboxPruning.JobId] = Cron.Hourly(),
        ["telemetry-thingspeak-poll"] = Cron.Minutely(),
        ["telemetry-rollups"] = Cron.Minutely(),
        ["telemetry-health-scores"] = Cron.Minutely(),
        ["telemetry-device-states"] = "*/5 * * * *",
        ["telemetry-partitions"] = Cron.Daily(),
        ["audit-partitions"] = Cron.Daily(),
        ["nodes-offline-detection"] = Cron.Minutely(),
        ["alerts-notification-repeats"] = Cron.Minutely(),
        ["reporting-dashboard-refresh"] = Cron.Minutely(),
    };

    [Test]
    public async Task Every_recurring_job_is_scheduled_and_listed_on_the_superadmins_dashboard()
    {
        await using var database = await TestDatabase.CreateAsync("jobs");
        await using var api = ApiFactory.For(database, new Dictionary<string, string?> { ["Jobs:ServerEnabled"] = "true" });
        var storage = api.Services.GetRequiredService<JobStorage>();

        List<RecurringJobDto> jobs = [];
        for (var attempt = 0; attempt < 50 && !Expected.Keys.All(id => jobs.Any(j => j.Id == id)); attempt++)
        {
            using var connection = storage.GetConnection();
            jobs = connection.GetRecurringJobs();
            await Task.Delay(100);
        }

        var world = await TenantWorld.CreateAsync(database);
        using var client = api.CreateClient();
        var page = await client.GetStringAsync($"/hangfire/recurring?access_token={Tokens.For(world.Superadmin)}");

        Assert.That(jobs.Where(j => Expected.ContainsKey(j.Id)).ToDictionary(j => j.Id, j => j.Cron), Is.EquivalentTo(Expected));
        Assert.That(Expected.Keys, Is.All.Matches<string>(id => page.Contains(id, StringComparison.Ordinal)));
        // Hangfire must be able to load what it will run: a job it cannot invoke is scheduled but never runs.
        Assert.That(jobs.Where(j => j.LoadException is not null).Select(j => $"{j.Id}: {j.LoadException!.InnerException?.Message}"), Is.Empty);
    }

    [Test]
    public async Task A_schedule_named_in_the_settings_replaces_the_one_the_job_declares()
    {
        await using var database = await TestDatabase.CreateAsync("job-schedules");
        await using var api = ApiFactory.For(database, new Dictionary<string, string?>
        {
            ["Jobs:ServerEnabled"] = "true",
            ["Jobs:Schedules:telemetry-thingspeak-poll"] = "*/10 * * * * *",
        });
        var storage = api.Services.GetRequiredService<JobStorage>();

        List<RecurringJobDto> jobs = [];
        for (var attempt = 0; attempt < 50 && jobs.Count < Expected.Count; attempt++)
        {
            using var connection = storage.GetConnection();
            jobs = connection.GetRecurringJobs();
            await Task.Delay(100);
        }

        Assert.That(jobs.Single(j => j.Id == "telemetry-thingspeak-poll").Cron, Is.EqualTo("*/10 * * * * *"));
        Assert.That(jobs.Single(j => j.Id == "telemetry-rollups").Cron, Is.EqualTo(Cron.Minutely()), "the others keep their own");
    }

    [Test]
    public async Task A_schedule_that_is_not_a_cron_expression_stops_the_start()
    {
        await using var database = await TestDatabase.CreateAsync("job-schedules-invalid");
        await using var api = ApiFactory.For(database, new Dictionary<string, string?>
        {
            ["Jobs:ServerEnabled"] = "true",
            ["Jobs:Schedules:telemetry-thingspeak-poll"] = "every ten seconds",
        });

        var refused = Assert.Catch(() => _ = api.Server);
        Assert.That(refused!.ToString(), Does.Contain("Jobs:Schedules"));
    }

    /// <summary>
    /// A process killed mid-job leaves its lock behind; the next run must not hold a worker waiting for it (with all
    /// workers waiting, polling and the outbox sweep stopped): it is skipped, and the job comes round again.
    /// </summary>
    [Test]
    public async Task A_run_that_finds_its_job_locked_by_a_dead_owner_is_skipped_at_once_instead_of_holding_a_worker()
    {
        await using var database = await TestDatabase.CreateAsync("stale-job-lock");
        await using var api = ApiFactory.For(database, new Dictionary<string, string?> { ["Jobs:ServerEnabled"] = "true" });
        var storage = api.Services.GetRequiredService<JobStorage>();
        using var deadOwner = storage.GetConnection();
        using var staleLock = deadOwner.AcquireDistributedLock(OneAtATimeAttribute.Resource(typeof(OutboxSweeper)), TimeSpan.FromSeconds(5));

        var jobId = api.Services.GetRequiredService<IBackgroundJobClient>().Enqueue<OutboxSweeper>(job => job.RunAsync(CancellationToken.None));
        string? state = null;
        for (var attempt = 0; attempt < 150 && state != DeletedState.StateName; attempt++)
        {
            await Task.Delay(100);
            using var connection = storage.GetConnection();
            state = connection.GetStateData(jobId)?.Name;
        }

        Assert.That(state, Is.EqualTo(DeletedState.StateName), "skipped (Hangfire records a cancelled run as deleted) within 15 s, not after the old 60 to 300 s wait");
    }
}
