using Dapper;
using EvaraTech.Application.Errors;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Nodes;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// The one path by which a node's operational state changes: read the state, let the domain decide the transition,
/// write it only while the row still has the version that was read (compare-and-set), and on a lost race read again
/// and decide again. A change of status publishes <see cref="NodeStatusChanged"/> in the same transaction, so
/// pollers, alert jobs and operators can race without ever flip-flopping a status or losing an event.
/// </summary>
public sealed class OperationalStateStore(DbSession db, IIntegrationEventPublisher events, TimeProvider clock) : INodeTelemetryState
{
    public const int MaximumAttempts = 10;

    private const string Read = """
        SELECT s.node_id AS NodeId, s.status, s.last_seen AS LastSeen, s.version, n.owner_distributor_id AS OwnerDistributorId
        FROM nodes.node_operational_state s
        JOIN nodes.nodes n ON n.id = s.node_id
        WHERE s.node_id = @Id AND {scope}
        """;

    private const string RecordSeen = """
        UPDATE nodes.node_operational_state
        SET last_seen = greatest(last_seen, @Newest), last_telemetry_sync = now(), consecutive_failures = 0,
            last_error = NULL, last_error_at = NULL, updated_at = now()
        WHERE node_id = @Id
        """;

    private const string RecordFailure = """
        UPDATE nodes.node_operational_state
        SET consecutive_failures = consecutive_failures + 1, last_error = @Error, last_error_at = now(), updated_at = now()
        WHERE node_id = @Id
        """;

    private const string ClearFailures = """
        UPDATE nodes.node_operational_state
        SET consecutive_failures = 0, last_error = NULL, last_error_at = NULL, updated_at = now()
        WHERE node_id = @Id AND consecutive_failures > 0
        """;

    private const string CompareAndSet = """
        UPDATE nodes.node_operational_state
        SET status = @Status, version = version + 1, updated_at = now()
        WHERE node_id = @Id AND version = @ExpectedVersion
        RETURNING version
        """;

    /// <summary>
    /// Readings up to <paramref name="newest"/> arrived: last seen moves forward only, failures reset; then the status
    /// transition, through the versioned path like every other.
    /// </summary>
    public async Task RecordReadingsAsync(Guid nodeId, DateTimeOffset newest, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordSeen, new { Id = nodeId, Newest = newest }, db.Transaction, cancellationToken: cancellationToken));
        var now = clock.GetUtcNow();
        await ChangeAsync(nodeId, TenantScope.Everything, state => state.ReadingsArrived(newest, now), "telemetry received", cancellationToken);
    }

    public async Task RecordPollSucceededAsync(Guid nodeId, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(ClearFailures, new { Id = nodeId }, db.Transaction, cancellationToken: cancellationToken));
    }

    public async Task RecordPollFailureAsync(Guid nodeId, string error, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(RecordFailure,
            new { Id = nodeId, Error = error.Length <= 500 ? error : error[..500] }, db.Transaction, cancellationToken: cancellationToken));
    }

    /// <param name="transition">the domain's decision for the state as read: the new status, or null for no change</param>
    /// <returns>the state after the call (unchanged when the transition decided nothing)</returns>
    public async Task<OperationalState> ChangeAsync(Guid nodeId, TenantScope scope, Func<OperationalState, NodeStatus?> transition,
        string reason, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        for (var attempt = 1; attempt <= MaximumAttempts; attempt++)
        {
            var row = await connection.QuerySingleOrDefaultAsync<StateRow>(NodeScope.Command(db, Read, scope, new { Id = nodeId }, ct))
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
                await events.PublishAsync(new NodeStatusChanged(Guid.CreateVersion7(), clock.GetUtcNow(), nodeId, row.OwnerDistributorId,
                    state.Status.ToString(), status.ToString(), written, reason), ct);
                return state with { Status = status, Version = written };
            }
        }

        throw AppException.ConcurrencyConflict("Node state");
    }

    private sealed record StateRow(Guid NodeId, string Status, DateTime? LastSeen, long Version, Guid OwnerDistributorId)
    {
        public OperationalState ToState() => new(NodeId, Enum.Parse<NodeStatus>(Status),
            LastSeen is { } seen ? new DateTimeOffset(DateTime.SpecifyKind(seen, DateTimeKind.Utc)) : null, Version);
    }
}
