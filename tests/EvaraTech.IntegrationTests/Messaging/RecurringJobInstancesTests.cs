using System.Collections.Concurrent;
using EvaraTech.IntegrationTests.Infrastructure;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>Three instances, each with its own Hangfire server, on one database: a recurring job runs once per schedule.</summary>
[NonParallelizable]
public sealed class RecurringJobInstancesTests
{
    /// <summary>
    /// A recurring job that notes the scheduled time of each run (the parameter Hangfire gives a recurring job's run);
    /// Hangfire creates it without registration.
    /// </summary>
    public sealed class NotingJob
    {
        public static readonly ConcurrentBag<(long Time, string Server)> Runs = [];

        public void Run(PerformContext? context) =>
            Runs.Add((context!.GetJobParameter<long>("Time"), context.ServerId));
    }

    [Test]
    public async Task Each_scheduled_time_of_a_recurring_job_runs_exactly_once_across_three_instances()
    {
        await using var database = await TestDatabase.CreateAsync("recurring-instances");
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:ServerEnabled"] = "true",
            ["Jobs:QueuePollIntervalSeconds"] = "0.2",
            ["Jobs:SchedulePollingIntervalSeconds"] = "0.2",
        };
        ApiFactory[] instances = [ApiFactory.For(database, settings), ApiFactory.For(database, settings), ApiFactory.For(database, settings)];
        try
        {
            // The first migrates before the others start.
            foreach (var instance in instances)
            {
                _ = instance.Server;
            }

            NotingJob.Runs.Clear();
            // Every second; each instance's scheduler sees the schedule.
            instances[0].Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<NotingJob>("noting", job => job.Run(null), "* * * * * *");
            await Task.Delay(TimeSpan.FromSeconds(8));
            instances[0].Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists("noting");
            await Task.Delay(TimeSpan.FromSeconds(1));

            var runs = NotingJob.Runs.ToList();
            Assert.Multiple(() =>
            {
                Assert.That(runs, Has.Count.GreaterThanOrEqualTo(4), "the schedule ran");
                Assert.That(runs.GroupBy(r => r.Time).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "no scheduled time ran twice");
            });
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }
}
