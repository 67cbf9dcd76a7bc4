using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Reporting.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvaraTech.IntegrationTests.Reporting;

/// <summary>
/// Changes the dashboard shows ask for a refresh: a burst costs one, and a change after a refresh has been asked for
/// gets one of its own, a debounce later, instead of waiting for the minutely refresh.
/// </summary>
public sealed class DashboardRefreshRequestTests : TenantWorldTest
{
    /// <summary>The dashboard refreshes waiting in Hangfire's schedule (earlier tests' too): job id, when due.</summary>
    private static Dictionary<string, DateTime> ScheduledRefreshes() =>
        Platform.Api.Services.GetRequiredService<JobStorage>().GetMonitoringApi().ScheduledJobs(0, 1_000)
            .Where(j => j.Value.Job?.Type == typeof(DashboardRefresh)).ToDictionary(j => j.Key, j => j.Value.EnqueueAt);

    /// <summary>The refreshes scheduled since <paramref name="before"/>, by when they are due.</summary>
    private static List<DateTime> ScheduledSince(Dictionary<string, DateTime> before) =>
        [.. ScheduledRefreshes().Where(j => !before.ContainsKey(j.Key)).Select(j => j.Value).Order()];

    [Test]
    public async Task A_burst_asks_for_one_refresh_and_a_change_after_it_for_one_more_a_debounce_later()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        var requests = new DashboardRefreshRequests(Platform.Api.Services.GetRequiredService<IBackgroundJobClient>(), clock,
            NullLogger<DashboardRefreshRequests>.Instance);
        await Platform.Api.HandledAsync();
        var before = ScheduledRefreshes();
        var asked = DateTime.UtcNow;

        for (var change = 0; change < 50; change++)
        {
            requests.Request();
        }

        var afterBurst = ScheduledSince(before).Count;
        clock.Advance(TimeSpan.FromSeconds(3));
        requests.Request();
        clock.Advance(TimeSpan.FromSeconds(2));
        requests.Request();
        var refreshes = ScheduledSince(before);

        await Assert.MultipleAsync(() =>
        {
            Assert.That(afterBurst, Is.EqualTo(1), "fifty changes at once, one refresh");
            Assert.That(refreshes, Has.Count.EqualTo(2),
                "the change three seconds later (after the first refresh ran) has a refresh of its own; the next one, with it still to run, none");
            Assert.That(refreshes.Count > 0 ? refreshes[0] - asked : TimeSpan.Zero,
                Is.EqualTo(DashboardRefreshRequests.Gather).Within(TimeSpan.FromSeconds(1)), "the first soon after the burst");
            // Hangfire schedules by the real clock, which has not moved the three seconds the platform's clock did.
            Assert.That(refreshes.Count == 2 ? refreshes[1] - asked : TimeSpan.Zero,
                Is.EqualTo(DashboardRefreshRequests.Gather + DashboardRefreshRequests.Debounce - TimeSpan.FromSeconds(3)).Within(TimeSpan.FromSeconds(1)),
                "the second a debounce after the first");
            return Task.CompletedTask;
        });
    }
}
