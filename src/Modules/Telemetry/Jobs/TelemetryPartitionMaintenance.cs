using EvaraTech.Infrastructure.Jobs;
using Hangfire;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>
/// Keeps the weekly partitions of the raw telemetry tables four weeks ahead and drops whole weeks past the 90-day
/// retention (telemetry.maintain_partitions, partitioned profile; TimescaleDB's policies do it there). Daily, as the
/// maintenance role.
/// </summary>
[OneAtATime]
public sealed class TelemetryPartitionMaintenance(IConfiguration configuration, ILogger<TelemetryPartitionMaintenance> logger) : IRecurringJob
{
    public const string JobId = "telemetry-partitions";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<TelemetryPartitionMaintenance>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily());

    public async Task<IReadOnlyList<(string Action, string Partition)>> RunAsync(CancellationToken cancellationToken)
    {
        var changes = await Maintenance.QueryAsync<(string, string)>(
            configuration, "SELECT action, partition_name FROM telemetry.maintain_partitions()", null, cancellationToken);
        foreach (var (action, partition) in changes)
        {
            logger.LogInformation("Telemetry partition {Partition} {Action}", partition, action);
        }

        return changes;
    }
}
