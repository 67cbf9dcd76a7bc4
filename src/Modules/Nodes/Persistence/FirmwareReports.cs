using System.Text.Json.Nodes;
using Dapper;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// Firmware versions devices report with their readings, in the ingestion's transaction: a version that differs from
/// the recorded one (or the first one) replaces it unless it was reported at an earlier time than the recorded one (a
/// late or re-sent entry does not roll a device back), the node's version moves on (its details changed), and the
/// trail records the change as the device's: <c>reported_by: device</c>, the version before and after.
/// </summary>
public sealed class FirmwareReports(DbSession db, IAuditTrail trail, NodeCache cache)
{
    /// <summary>The firmware row before, read in the statement's one snapshot, so the change can say what it replaced.</summary>
    private const string Record = """
        WITH reported AS (
            SELECT * FROM unnest(@Ids::uuid[], @Versions::text[], @Ats::timestamptz[]) AS r(node_id, version, at)),
        previous AS (
            SELECT r.node_id, f.firmware_version FROM reported r LEFT JOIN nodes.device_firmware f ON f.node_id = r.node_id),
        changed AS (
            INSERT INTO nodes.device_firmware AS f (node_id, firmware_version, last_update)
            SELECT node_id, version, at FROM reported
            ON CONFLICT (node_id) DO UPDATE SET firmware_version = EXCLUDED.firmware_version, last_update = EXCLUDED.last_update
            WHERE f.firmware_version IS DISTINCT FROM EXCLUDED.firmware_version
              AND (f.last_update IS NULL OR EXCLUDED.last_update >= f.last_update)
            RETURNING f.node_id, f.firmware_version),
        touched AS (
            UPDATE nodes.nodes n SET version = n.version + 1, updated_at = now()
            FROM changed c WHERE n.id = c.node_id
            RETURNING n.id, n.owner_distributor_id)
        SELECT c.node_id AS NodeId, p.firmware_version AS Before, c.firmware_version AS After, t.owner_distributor_id AS DistributorId
        FROM changed c JOIN previous p ON p.node_id = c.node_id JOIN touched t ON t.id = c.node_id
        """;

    public async Task RecordAsync(IReadOnlyCollection<(Guid NodeId, string Version, DateTimeOffset At)> reports, CancellationToken cancellationToken)
    {
        if (reports.Count == 0)
        {
            return;
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        var changes = (await connection.QueryAsync<Change>(new CommandDefinition(Record, new
        {
            Ids = reports.Select(r => r.NodeId).ToArray(),
            Versions = reports.Select(r => r.Version).ToArray(),
            Ats = reports.Select(r => r.At.UtcDateTime).ToArray(),
        }, db.Transaction, cancellationToken: cancellationToken))).ToList();
        cache.Changed(changes.Select(c => c.NodeId));
        foreach (var change in changes)
        {
            await trail.RecordAsync(new AuditEntry(AuditAction.Update, "node", change.NodeId.ToString(), new JsonObject
            {
                ["operation"] = "record_firmware",
                ["reported_by"] = "device",
                ["changes"] = new JsonObject { ["firmwareVersion"] = new JsonObject { ["from"] = change.Before, ["to"] = change.After } },
            }, change.DistributorId), cancellationToken);
        }
    }

    private sealed record Change(Guid NodeId, string? Before, string After, Guid DistributorId);
}
