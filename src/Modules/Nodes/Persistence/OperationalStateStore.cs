using Dapper;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// The one path by which a node's operational state changes: read the state, let the domain decide the transition,
/// write it only while the row still has the version that was read (compare-and-set), and on a lost race read again
/// and decide again. A change of status publishes <see cref="NodeStatusChanged"/> in the same transaction, so
/// pollers, alert jobs and operators can race without ever flip-flopping a status or losing an event.
/// </summary>
public sealed class OperationalStateStore(DbSession db, IIntegrationEventPublisher events, NodeCache cache, FirmwareReports firmware, TimeProvider clock)
    : INodeTelemetryState, INodeAlertState
{
    public const int MaximumAttempts = 10;

    private const string Read = """
        SELECT s.node_id AS NodeId, s.status, s.last_seen AS LastSeen, s.version, n.owner_distributor_id AS OwnerDistributorId
        FROM nodes.node_operational_state s
        JOIN nodes.nodes n ON n.id = s.node_id
        WHERE s.node_id = @Id AND {scope}
        """;

    private const string ReadMany = """
        SELECT node_id AS NodeId, status, last_seen AS LastSeen, version, NULL::uuid AS OwnerDistributorId
        FROM nodes.node_operational_state
        WHERE node_id = ANY(@Ids)
        """;

    private const string RecordSeen = """
        UPDATE nodes.node_operational_state s
        SET first_seen = least(s.first_seen, r.oldest), last_seen = greatest(s.last_seen, r.newest), last_telemetry_sync = now(),
            consecutive_failures = 0, last_error = NULL, last_error_at = NULL, updated_at = now()
        FROM unnest(@Ids::uuid[], @Oldest::timestamptz[], @Newest::timestamptz[]) AS r(node_id, oldest, newest)
        WHERE s.node_id = r.node_id
        """;

    private const string RecordFailures = """
        UPDATE nodes.node_operational_state s
        SET consecutive_failures = s.consecutive_failures + 1, last_error = f.error, last_error_at = now(), updated_at = now()
        FROM unnest(@Ids::uuid[], @Errors::text[]) AS f(node_id, error)
        WHERE s.node_id = f.node_id
        """;

    private const string ClearFailures = """
        UPDATE nodes.node_operational_state
        SET consecutive_failures = 0, last_error = NULL, last_error_at = NULL, updated_at = now()
        WHERE node_id = ANY(@Ids) AND consecutive_failures > 0
        """;

    private const string CompareAndSet = """
        UPDATE nodes.node_operational_state
        SET status = @Status, version = version + 1, updated_at = now()
        WHERE node_id = @Id AND version = @ExpectedVersion
        RETURNING version
        """;

    /// <summary>
    /// Readings up to each node's newest arrived: last seen moves forward only, failures reset, in one statement for
    /// the batch; then, for the nodes whose status that changes (rare: a node coming online), the transition through
    /// the versioned path like every other.
    /// </summary>
    public async Task RecordReadingsAsync(IReadOnlyCollection<(Guid NodeId, DateTimeOffset Oldest, DateTimeOffset Newest)> readings, CancellationToken cancellationToken)
    {
        if (readings.Count == 0)
        {
            return;
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        var ids = readings.Select(r => r.NodeId).ToArray();
        cache.Changed(ids);
        await connection.ExecuteAsync(new CommandDefinition(RecordSeen,
            new { Ids = ids, Oldest = readings.Select(r => r.Oldest.UtcDateTime).ToArray(), Newest = readings.Select(r => r.Newest.UtcDateTime).ToArray() },
            db.Transaction, cancellationToken: cancellationToken));
        var now = clock.GetUtcNow();
        var newest = readings.ToDictionary(r => r.NodeId, r => r.Newest);
        var states = await connection.QueryAsync<StateRow>(new CommandDefinition(ReadMany, new { Ids = ids }, db.Transaction, cancellationToken: cancellationToken));
        foreach (var state in states.Select(s => s.ToState()).Where(s => s.ReadingsArrived(newest[s.NodeId], now) is not null))
        {
            await ChangeAsync(state.NodeId, TenantScope.Everything, s => s.ReadingsArrived(newest[s.NodeId], now), "telemetry received", cancellationToken);
        }
    }

    public Task RecordFirmwareAsync(IReadOnlyCollection<(Guid NodeId, string Version, DateTimeOffset At)> reports, CancellationToken cancellationToken) =>
        firmware.RecordAsync(reports, cancellationToken);

    public async Task RecordPollsSucceededAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken)
    {
        if (nodeIds.Count == 0)
        {
            return;
        }

        cache.Changed(nodeIds);
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ClearFailures, new { Ids = nodeIds.ToArray() }, db.Transaction, cancellationToken: cancellationToken));
    }

    public async Task RecordPollFailuresAsync(IReadOnlyCollection<(Guid NodeId, string Error)> failures, CancellationToken cancellationToken)
    {
        if (failures.Count == 0)
        {
            return;
        }

        cache.Changed(failures.Select(f => f.NodeId));
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordFailures, new
        {
            Ids = failures.Select(f => f.NodeId).ToArray(),
            Errors = failures.Select(f => f.Error.Length <= 500 ? f.Error : f.Error[..500]).ToArray(),
        }, db.Transaction, cancellationToken: cancellationToken));
    }

    public Task CriticalAlertOpenedAsync(Guid nodeId, CancellationToken cancellationToken) =>
        ChangeAsync(nodeId, TenantScope.Everything, state => state.CriticalAlertOpened(), "critical alert", cancellationToken);

    public Task CriticalAlertsClearedAsync(Guid nodeId, CancellationToken cancellationToken) =>
        ChangeAsync(nodeId, TenantScope.Everything, state => state.CriticalAlertsCleared(clock.GetUtcNow()), "critical alerts resolved", cancellationToken);

    /// <param name="transition">the domain's decision for the state as read: the new status, or null for no change</param>
    /// <returns>the state after the call (unchanged when the transition decided nothing)</returns>
    public async Task<OperationalState> ChangeAsync(Guid nodeId, TenantScope scope, Func<OperationalState, NodeStatus?> transition,
        string reason, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        for (var attempt = 1; attempt <= MaximumAttempts; attempt++)
        {
            var row = await connection.QuerySingleOrDefaultAsync<StateRow>(ScopeFilter.Command(db, Read, scope, NodeOwnership.Columns, new { Id = nodeId }, ct))
                ?? throw AppException.NotFound(NodeStore.Resource);
            var state = row.ToState();
            if (transition(state) is not { } status)
            {
                return state;
            }

            var version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(CompareAndSet,
                new { Id = nodeId, Status = status.ToString(), ExpectedVersion = state.Version }, db.Transaction, cancellationToken: ct));
            if (version is { } written)
            {
                cache.Changed([nodeId]);
                await events.PublishAsync(new NodeStatusChanged(Guid.CreateVersion7(), clock.GetUtcNow(), nodeId, row.OwnerDistributorId!.Value,
                    state.Status.ToString(), status.ToString(), written, reason), ct);
                return state with { Status = status, Version = written };
            }
        }

        throw AppException.ConcurrencyConflict("Node state");
    }

    private sealed record StateRow(Guid NodeId, string Status, DateTime? LastSeen, long Version, Guid? OwnerDistributorId)
    {
        public OperationalState ToState() => new(NodeId, Enum.Parse<NodeStatus>(Status),
            LastSeen is { } seen ? new DateTimeOffset(DateTime.SpecifyKind(seen, DateTimeKind.Utc)) : null, Version);
    }
}
