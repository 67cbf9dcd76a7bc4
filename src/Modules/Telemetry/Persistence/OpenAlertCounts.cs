using Dapper;
using EvaraTech.Modules.Telemetry.Contracts;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>The Telemetry side of <see cref="IOpenAlertCounts"/>: the device state's <c>open_alerts</c>.</summary>
public sealed class OpenAlertCounts(DbSession db) : IOpenAlertCounts
{
    private const string Set = """
        UPDATE telemetry.device_states d
        SET open_alerts = c.open_alerts, updated_at = now()
        FROM unnest(@Ids::uuid[], @Counts::int[]) AS c(node_id, open_alerts)
        WHERE d.node_id = c.node_id AND d.open_alerts <> c.open_alerts
        """;

    public async Task SetAsync(IReadOnlyDictionary<Guid, int> openAlertsByNode, CancellationToken cancellationToken)
    {
        if (openAlertsByNode.Count == 0)
        {
            return;
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Set,
            new { Ids = openAlertsByNode.Keys.ToArray(), Counts = openAlertsByNode.Values.ToArray() }, db.Transaction, cancellationToken: cancellationToken));
    }
}
