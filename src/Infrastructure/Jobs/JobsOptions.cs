namespace EvaraTech.Infrastructure.Jobs;

/// <summary>The <c>Jobs</c> settings section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run a Hangfire server in this process (an instance may serve only the API).</summary>
    public bool ServerEnabled { get; set; } = true;

    /// <summary>
    /// Hangfire workers. Kept small: jobs fan out internally with their own bounded concurrency, and on two
    /// cores a large worker pool only competes with the API.
    /// </summary>
    public int WorkerCount { get; set; } = 4;

    /// <summary>How often idle workers look for enqueued jobs (recurring jobs are due at whole minutes anyway).</summary>
    public double QueuePollIntervalSeconds { get; set; } = 15;

    /// <summary>How often scheduled jobs (delivery retries) are checked for being due.</summary>
    public double SchedulePollingIntervalSeconds { get; set; } = 15;

    /// <summary>
    /// A cron expression per recurring job id (five fields, or six with seconds first) that replaces the schedule the
    /// job declares: an operator changes how often a job runs without a release.
    /// </summary>
    public Dictionary<string, string> Schedules { get; set; } = [];
}
