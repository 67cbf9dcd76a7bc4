using Dapper;
using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>
/// <c>alerts.device_downtime</c>: one record per outage, at most one open per node (a unique partial index). Each
/// record keeps the state version that opened it, so a close replayed out of order never ends a later outage.
/// </summary>
public sealed class DowntimeRecords(DbSession db)
{
    private const string Open = """
        INSERT INTO alerts.device_downtime (id, node_id, downtime_start, downtime_reason, metadata)
        VALUES (@Id, @NodeId, @Start, @Reason, jsonb_build_object('openedAtVersion', @Version))
        ON CONFLICT (node_id) WHERE downtime_end IS NULL DO NOTHING
        """;

    private const string Close = """
        UPDATE alerts.device_downtime
        SET downtime_end = greatest(@End, downtime_start),
            metadata = metadata || jsonb_build_object('closedAtVersion', @Version, 'closedBecause', @Reason)
        WHERE node_id = @NodeId AND downtime_end IS NULL AND (metadata ->> 'openedAtVersion')::bigint < @Version
        """;

    private const string Overlapping = """
        SELECT node_id AS NodeId, downtime_start AS Start, downtime_end AS End
        FROM alerts.device_downtime
        WHERE node_id = ANY(@NodeIds) AND downtime_start < @To AND (downtime_end IS NULL OR downtime_end > @From)
        ORDER BY node_id, downtime_start
        """;

    public async Task OpenAsync(Guid nodeId, DateTimeOffset start, string reason, long stateVersion, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Open,
            new { Id = Guid.CreateVersion7(), NodeId = nodeId, Start = start, Reason = reason.Length <= 255 ? reason : reason[..255], Version = stateVersion },
            db.Transaction, cancellationToken: ct));
    }

    public async Task CloseAsync(Guid nodeId, DateTimeOffset end, string reason, long stateVersion, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Close, new { NodeId = nodeId, End = end, Reason = reason, Version = stateVersion },
            db.Transaction, cancellationToken: ct));
    }

    /// <returns>each node's outages that overlap [from, to), oldest first (nodes without any are absent)</returns>
    public async Task<ILookup<Guid, Outage>> OverlappingAsync(IReadOnlyCollection<Guid> nodeIds, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<OutageRow>(new CommandDefinition(Overlapping, new { NodeIds = nodeIds.ToArray(), From = from, To = to },
            db.Transaction, cancellationToken: ct));
        return rows.ToLookup(r => r.NodeId, r => new Outage(Utc(r.Start), r.End is { } end ? Utc(end) : null));
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record OutageRow(Guid NodeId, DateTime Start, DateTime? End);
}
