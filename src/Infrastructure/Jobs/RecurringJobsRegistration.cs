using Hangfire;
using Hangfire.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvaraTech.Infrastructure.Jobs;

/// <summary>
/// Declares the platform's recurring jobs, the infrastructure's and every module's (idempotent: re-declaring
/// updates the schedule), each on its own schedule unless <see cref="JobsOptions.Schedules"/> names another. Runs in
/// the background and retries while the database is unreachable, so an instance still starts, and reports unready,
/// without it.
/// </summary>
public sealed class RecurringJobsRegistration(
    IRecurringJobManager jobs, IEnumerable<ScheduledJob> scheduled, IOptions<JobsOptions> options, ILogger<RecurringJobsRegistration> logger)
    : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var declared = new ConfiguredSchedules(jobs, options.Value.Schedules);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var job in scheduled)
                {
                    job.Declare(declared);
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

    /// <summary>Hands each declaration on with the configured schedule of its job id, if there is one.</summary>
    private sealed class ConfiguredSchedules(IRecurringJobManager jobs, IReadOnlyDictionary<string, string> schedules) : IRecurringJobManager
    {
        public void AddOrUpdate(string recurringJobId, Job job, string cronExpression, RecurringJobOptions options) =>
            jobs.AddOrUpdate(recurringJobId, job, schedules.GetValueOrDefault(recurringJobId, cronExpression), options);

        public void Trigger(string recurringJobId) => jobs.Trigger(recurringJobId);

        public void RemoveIfExists(string recurringJobId) => jobs.RemoveIfExists(recurringJobId);
    }
}
