using Dapper;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;
using Hangfire;

namespace EvaraTech.Modules.Nodes.Jobs;

/// <summary>How long silence lasts before a node is Offline: <see cref="MissedIntervals"/> of its reporting interval.</summary>
public sealed class OfflineDetectionOptions
{
    public const string Section = "OfflineDetection";

    /// <summary>Reports a node may miss before it is Offline (its channel's reporting interval × this).</summary>
    public int MissedIntervals { get; set; } = 5;

    /// <summary>The reporting interval of a node without a channel (it reports through the gateway).</summary>
    public int DefaultReportingIntervalSeconds { get; set; } = ThingSpeakChannel.DefaultReportingIntervalSeconds;
}

/// <summary>
/// Every minute, marks Offline the online nodes silent for longer than their missed-interval allowance, each through
/// the versioned state path: a reading arriving meanwhile wins the race, and each change publishes
/// <c>NodeStatusChanged</c> once (Alerts opens the downtime record from it).
/// </summary>
[OneAtATime]
public sealed class OfflineDetection(IServiceScopeFactory scopes, IOptions<OfflineDetectionOptions> options, TimeProvider clock) : IRecurringJob
{
    public const string JobId = "nodes-offline-detection";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<OfflineDetection>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    private const int BatchSize = 500;

    private const string Silent = """
        SELECT s.node_id AS NodeId, make_interval(secs => coalesce(c.reporting_interval_seconds, @DefaultInterval) * @MissedIntervals) AS OfflineAfter
        FROM nodes.node_operational_state s
        LEFT JOIN nodes.thingspeak_channels c ON c.node_id = s.node_id
        WHERE s.status = 'Online'
          AND s.last_seen < @Now - make_interval(secs => coalesce(c.reporting_interval_seconds, @DefaultInterval) * @MissedIntervals)
        ORDER BY s.last_seen
        LIMIT @Limit
        """;

    /// <returns>how many nodes went Offline</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var marked = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var changed = await scopes.RunAsync(async services =>
            {
                var db = services.GetRequiredService<DbSession>();
                var states = services.GetRequiredService<OperationalStateStore>();
                var connection = await db.ConnectionAsync(cancellationToken);
                var silent = (await connection.QueryAsync<(Guid NodeId, TimeSpan OfflineAfter)>(new CommandDefinition(Silent, new
                {
                    Now = now, DefaultInterval = options.Value.DefaultReportingIntervalSeconds, options.Value.MissedIntervals, Limit = BatchSize,
                }, db.Transaction, cancellationToken: cancellationToken))).ToList();
                var count = 0;
                foreach (var (nodeId, offlineAfter) in silent)
                {
                    var after = await states.ChangeAsync(nodeId, TenantScope.Everything, state => state.Silent(now, offlineAfter), "no data received",
                        cancellationToken);
                    count += after.Status == NodeStatus.Offline ? 1 : 0;
                }

                return (Candidates: silent.Count, Changed: count);
            }, cancellationToken);
            marked += changed.Changed;
            if (changed.Candidates < BatchSize)
            {
                return marked;
            }
        }
    }
}
