using EvaraTech.Infrastructure.Messaging;
using EvaraTech.IntegrationTests.Infrastructure;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>An instance that runs jobs declares the recurring schedules, visible on the operator dashboard.</summary>
public sealed class RecurringJobTests
{
    [Test]
    public async Task The_outbox_sweeper_is_scheduled_every_minute()
    {
        await using var database = await TestDatabase.CreateAsync("jobs");
        await using var api = ApiFactory.For(database, new Dictionary<string, string?> { ["Jobs:ServerEnabled"] = "true" });
        var storage = api.Services.GetRequiredService<JobStorage>();

        RecurringJobDto? sweep = null;
        for (var attempt = 0; attempt < 50 && sweep is null; attempt++)
        {
            using var connection = storage.GetConnection();
            sweep = connection.GetRecurringJobs().SingleOrDefault(j => j.Id == OutboxSweeper.JobId);
            await Task.Delay(100);
        }

        Assert.That(sweep?.Cron, Is.EqualTo(Cron.Minutely()));
    }
}
