using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Modules.Telemetry.Persistence.Archive;
using Hangfire;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>
/// The telemetry lifecycle, daily, as the maintenance role: first the archive (every week past its retention, and
/// silent nodes' raw readings, written to the archive and verified), then telemetry.maintain_partitions, which keeps
/// the weekly partitions four weeks ahead and drops what is past the retention (raw 90 days, hourly rollups a year,
/// daily five) only where the archive holds every row.
/// </summary>
[OneAtATime]
public sealed class TelemetryPartitionMaintenance(
    IConfiguration configuration, TelemetryArchiver archiver, TimeProvider clock, ILogger<TelemetryPartitionMaintenance> logger) : IRecurringJob
{
    public const string JobId = "telemetry-partitions";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<TelemetryPartitionMaintenance>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily());

    public async Task<IReadOnlyList<(string Action, string Partition)>> RunAsync(CancellationToken cancellationToken)
    {
        await archiver.RunAsync(clock.GetUtcNow(), cancellationToken);
        var changes = await Maintenance.QueryAsync<(string, string)>(
            configuration, "SELECT action, partition_name FROM telemetry.maintain_partitions()", null, cancellationToken);
        foreach (var (action, partition) in changes)
        {
            // Kept means rows past the retention the archive does not hold yet: they stay until it does.
            logger.Log(action == "kept" ? LogLevel.Warning : LogLevel.Information, "Telemetry partition {Partition} {Action}", partition, action);
        }

        return changes;
    }
}
