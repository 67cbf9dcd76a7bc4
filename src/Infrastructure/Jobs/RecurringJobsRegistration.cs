using EvaraTech.Infrastructure.Messaging;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EvaraTech.Infrastructure.Jobs;

/// <summary>A recurring job a module contributes: its id and how to declare it.</summary>
public sealed record ScheduledJob(string Id, Action<IRecurringJobManager> Declare);

/// <summary>
/// Declares the platform's recurring jobs, the infrastructure's and every module's (idempotent: re-declaring
/// updates the schedule). Runs in the background and retries while the database is unreachable, so an instance
/// still starts, and reports unready, without it.
/// </summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager jobs, IEnumerable<ScheduledJob> moduleJobs, ILogger<RecurringJobsRegistration> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                jobs.AddOrUpdate<OutboxSweeper>(OutboxSweeper.JobId, sweeper => sweeper.SweepAsync(CancellationToken.None), Cron.Minutely());
                foreach (var job in moduleJobs)
                {
                    job.Declare(jobs);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Could not declare the recurring jobs yet; retrying in {Delay}", RetryDelay);
                await Task.Delay(RetryDelay, stoppingToken);
            }
        }
    }
}
