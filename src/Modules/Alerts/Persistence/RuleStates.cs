using Dapper;
using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>Where each rule stands for a node between batches: its breach start (<c>rule_states</c>) and whether an alert is open.</summary>
public sealed class RuleStates(DbSession db)
{
    private const string Load = """
        SELECT r.rule_id AS RuleId, s.breach_since AS BreachSince,
               EXISTS (SELECT 1 FROM alerts.alert_history h WHERE h.rule_id = r.rule_id AND h.node_id = @NodeId AND h.resolved_at IS NULL) AS AlertOpen
        FROM unnest(@RuleIds::uuid[]) AS r(rule_id)
        LEFT JOIN alerts.rule_states s ON s.rule_id = r.rule_id AND s.node_id = @NodeId
        """;

    private const string Save = """
        INSERT INTO alerts.rule_states AS s (rule_id, node_id, breach_since, updated_at)
        SELECT rule_id, @NodeId, breach_since, now() FROM unnest(@RuleIds::uuid[], @BreachSince::timestamptz[]) AS r(rule_id, breach_since)
        ON CONFLICT (rule_id, node_id) DO UPDATE SET breach_since = EXCLUDED.breach_since, updated_at = now()
        """;

    public async Task<IReadOnlyDictionary<Guid, RuleState>> LoadAsync(Guid nodeId, IReadOnlyCollection<Guid> ruleIds, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid RuleId, DateTime? BreachSince, bool AlertOpen)>(new CommandDefinition(Load,
            new { NodeId = nodeId, RuleIds = ruleIds.ToArray() }, db.Transaction, cancellationToken: ct));
        return rows.ToDictionary(r => r.RuleId, r => new RuleState(
            r.BreachSince is { } since ? new DateTimeOffset(DateTime.SpecifyKind(since, DateTimeKind.Utc)) : null, r.AlertOpen));
    }

    public async Task SaveAsync(Guid nodeId, IReadOnlyDictionary<Guid, RuleState> states, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Save, new
        {
            NodeId = nodeId,
            RuleIds = states.Keys.ToArray(),
            BreachSince = states.Values.Select(s => s.BreachSince?.UtcDateTime).ToArray(),
        }, db.Transaction, cancellationToken: ct));
    }
}
