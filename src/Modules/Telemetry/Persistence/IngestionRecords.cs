using System.Text.Json;
using Dapper;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>Ingestion's own records, in the batch's transaction: refused entries and how far each feed was read.</summary>
public sealed class IngestionRecords(DbSession db)
{
    private const string InsertRejections = """
        INSERT INTO telemetry.telemetry_rejections (id, node_id, source, entry_timestamp, entry_id, reason, source_field, payload)
        SELECT r.id, r.node_id, @Source, r.entry_timestamp, r.entry_id, r.reason, r.source_field, r.payload
        FROM jsonb_to_recordset(@Rows::jsonb)
             AS r(id uuid, node_id uuid, entry_timestamp timestamptz, entry_id bigint, reason text, source_field text, payload jsonb)
        ON CONFLICT DO NOTHING
        """;

    private const string AdvanceCursors = """
        INSERT INTO telemetry.ingestion_cursors AS c (node_id, last_entry_id, last_timestamp)
        SELECT * FROM unnest(@NodeIds::uuid[], @EntryIds::bigint[], @Timestamps::timestamptz[]) ORDER BY 1
        ON CONFLICT (node_id) DO UPDATE
        SET last_entry_id = greatest(c.last_entry_id, EXCLUDED.last_entry_id),
            last_timestamp = greatest(c.last_timestamp, EXCLUDED.last_timestamp), updated_at = now()
        """;

    /// <summary>
    /// The ids pushed entries get: from one past the last entry of the node's feed. Takes the node's ingestion lock
    /// (held to the end of the transaction, which also writes the entries), so concurrent pushes never share an id.
    /// </summary>
    public async Task<long> ReserveEntryIdsAsync(Guid nodeId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await TelemetryWriter.LockNodesAsync(connection, db.Transaction!, [nodeId], ct);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT coalesce(max(last_entry_id), 0) + 1 FROM telemetry.ingestion_cursors WHERE node_id = @NodeId",
            new { NodeId = nodeId }, db.Transaction, cancellationToken: ct));
    }

    /// <summary>Each refused entry once (a re-poll of the same entry id adds nothing), with its raw fields.</summary>
    public async Task RejectAsync(string source, IReadOnlyCollection<(Guid NodeId, RawEntry Entry, Rejection Rejection)> rejected, CancellationToken ct)
    {
        if (rejected.Count == 0)
        {
            return;
        }

        var rows = JsonSerializer.Serialize(rejected.Select(r => new
        {
            id = Guid.CreateVersion7(),
            node_id = r.NodeId,
            entry_timestamp = r.Entry.Timestamp,
            entry_id = r.Entry.EntryId,
            reason = r.Rejection.Reason,
            source_field = r.Rejection.SourceField,
            payload = r.Entry.Fields,
        }));
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertRejections, new { Source = source, Rows = rows }, db.Transaction, cancellationToken: ct));
    }

    /// <summary>The nodes' feeds were read up to these entries: a cursor never moves backwards.</summary>
    public async Task AdvanceCursorsAsync(IReadOnlyCollection<(Guid NodeId, long EntryId, DateTimeOffset Timestamp)> cursors, CancellationToken ct)
    {
        if (cursors.Count == 0)
        {
            return;
        }

        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(AdvanceCursors, new
        {
            NodeIds = cursors.Select(c => c.NodeId).ToArray(),
            EntryIds = cursors.Select(c => c.EntryId).ToArray(),
            Timestamps = cursors.Select(c => c.Timestamp.UtcDateTime).ToArray(),
        }, db.Transaction, cancellationToken: ct));
    }
}
