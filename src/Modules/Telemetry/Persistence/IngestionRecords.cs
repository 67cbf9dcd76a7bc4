using System.Text.Json;
using Dapper;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>Ingestion's own records, in the batch's transaction: refused entries and fields, and the ids pushed entries get.</summary>
public sealed class IngestionRecords(DbSession db)
{
    private const string InsertRejections = """
        INSERT INTO telemetry.telemetry_rejections (id, node_id, source, entry_timestamp, entry_id, reason, source_field, payload)
        SELECT r.id, r.node_id, @Source, r.entry_timestamp, r.entry_id, r.reason, r.source_field, r.payload
        FROM jsonb_to_recordset(@Rows::jsonb)
             AS r(id uuid, node_id uuid, entry_timestamp timestamptz, entry_id bigint, reason text, source_field text, payload jsonb)
        ON CONFLICT DO NOTHING
        """;

    private const string NextPushIds = """
        INSERT INTO telemetry.push_sequences AS s (node_id, last_entry_id)
        SELECT * FROM unnest(@NodeIds::uuid[], @Counts::bigint[]) ORDER BY 1
        ON CONFLICT (node_id) DO UPDATE SET last_entry_id = s.last_entry_id + EXCLUDED.last_entry_id, last_pushed_at = now()
        RETURNING node_id, last_entry_id
        """;

    /// <summary>
    /// The ids <paramref name="count"/> pushed entries get, from the node's push sequence: the poll cursor counts
    /// ThingSpeak's ids and never these. Takes the node's ingestion lock (held to the end of the transaction, which
    /// also writes the entries), so concurrent pushes never share an id (docs/adr/0004-poll-cursor-is-thingspeak-position-only.md).
    /// </summary>
    /// <returns>the first of the ids</returns>
    public async Task<long> ReserveEntryIdsAsync(Guid nodeId, int count, CancellationToken ct) =>
        (await ReserveEntryIdsAsync([(nodeId, count)], ct))[nodeId];

    /// <summary>The same for many nodes at once (MQTT's gathered publishes): one lock statement and one update for all.</summary>
    /// <returns>each node's first id</returns>
    public async Task<IReadOnlyDictionary<Guid, long>> ReserveEntryIdsAsync(IReadOnlyCollection<(Guid NodeId, int Count)> nodes, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var ordered = nodes.OrderBy(n => n.NodeId).ToArray();
        await TelemetryWriter.LockNodesAsync(connection, db.Transaction!, [.. ordered.Select(n => n.NodeId)], ct);
        var last = await connection.QueryAsync<(Guid NodeId, long Last)>(new CommandDefinition(NextPushIds,
            new { NodeIds = ordered.Select(n => n.NodeId).ToArray(), Counts = ordered.Select(n => (long)n.Count).ToArray() }, db.Transaction, cancellationToken: ct));
        var counts = ordered.ToDictionary(n => n.NodeId, n => n.Count);
        return last.ToDictionary(l => l.NodeId, l => l.Last - counts[l.NodeId] + 1);
    }

    /// <summary>Each refusal once (a re-poll of the same entry adds nothing), with the entry's raw fields.</summary>
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
            reason = StorableText.Of(r.Rejection.Reason),
            source_field = StorableText.Of(r.Rejection.SourceField),
            payload = StorableText.Of(r.Entry.Fields),
        }));
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(InsertRejections, new { Source = source, Rows = rows }, db.Transaction, cancellationToken: ct));
    }
}
