using EvaraTech.Infrastructure.Jobs;
using Hangfire;

namespace EvaraTech.Modules.Audit.Jobs;

/// <summary>
/// Creates the coming months' audit partitions and drops those past the retention (<c>Audit:RetentionMonths</c>,
/// default 12) as whole partitions. Runs as the maintenance (owner) role: the application's role cannot delete
/// audit rows.
/// </summary>
[OneAtATime]
public sealed class AuditPartitionMaintenance(IConfiguration configuration, ILogger<AuditPartitionMaintenance> logger) : IRecurringJob
{
    public const string JobId = "audit-partitions";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<AuditPartitionMaintenance>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily());

    public async Task<IReadOnlyList<(string Action, string Partition)>> RunAsync(CancellationToken cancellationToken)
    {
        var retention = configuration.GetValue("Audit:RetentionMonths", 12);
        var changes = await Maintenance.QueryAsync<(string, string)>(
            configuration, "SELECT action, partition_name FROM audit.maintain_partitions(@Retention, 3)", new { Retention = retention }, cancellationToken);
        foreach (var (action, partition) in changes)
        {
            logger.LogInformation("Audit partition {Partition} {Action}", partition, action);
        }

        return changes;
    }
}
