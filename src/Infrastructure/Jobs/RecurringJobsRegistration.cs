using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EvaraTech.Infrastructure.Jobs;

/// <summary>
/// Declares the platform's recurring jobs, the infrastructure's and every module's (idempotent: re-declaring
/// updates the schedule). Runs in the background and retries while the database is unreachable, so an instance
/// still starts, and reports unready, without it.
/// </summary>
public sealed class RecurringJobsRegistration(IRecurringJobManager jobs, IEnumerable<ScheduledJob> scheduled, ILogger<RecurringJobsRegistration> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var job in scheduled)
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
