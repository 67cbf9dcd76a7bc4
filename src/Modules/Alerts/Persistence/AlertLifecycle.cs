using Dapper;
namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>
/// Raising and resolving alerts in the caller's transaction, race-free. Both first take the (rule, node) advisory lock,
/// so a raise never reads a snapshot from before a concurrent resolution; the raise then decides in one statement:
/// the unique partial index admits one open alert per (rule, node), and the cooldown after the last resolution is
/// checked in the same <c>INSERT</c>. However many batches breach at once, one alert is raised.
/// </summary>
public sealed class AlertLifecycle(DbSession db)
{
    private const string Lock = "SELECT pg_advisory_xact_lock(hashtextextended('alert:' || @RuleId::text || ':' || @NodeId::text, 0))";

    private const string Raise = """
        INSERT INTO alerts.alert_history (id, rule_id, node_id, severity, status, value, message, triggered_at, rule_name, metric, owner_distributor_id)
        SELECT @Id, r.id, @NodeId, r.severity, 'triggered', @Value, @Message, @TriggeredAt, r.name, r.metric, r.owner_distributor_id
        FROM alerts.alert_rules r
        WHERE r.id = @RuleId AND r.is_enabled
          AND NOT EXISTS (
              SELECT 1 FROM alerts.alert_history h
              WHERE h.rule_id = r.id AND h.node_id = @NodeId AND h.resolved_at IS NOT NULL
                AND h.resolved_at > @TriggeredAt - make_interval(mins => r.cooldown_minutes))
        ON CONFLICT (rule_id, node_id) WHERE resolved_at IS NULL DO NOTHING
        RETURNING id
        """;

    private const string Resolve = """
        UPDATE alerts.alert_history
        SET status = 'resolved', resolved_at = @ResolvedAt, resolved_by = @ResolvedBy, resolution = @Resolution
        WHERE rule_id = @RuleId AND node_id = @NodeId AND resolved_at IS NULL
        RETURNING id
        """;

    /// <summary>
    /// The nodes' open-count locks, in id order: two transactions changing one node's alerts count one after the
    /// other, so the later count sees the earlier's commit (taken after the (rule, node) locks, in the same order
    /// everywhere).
    /// </summary>
    private const string LockCounts = """
        SELECT pg_advisory_xact_lock(hashtextextended('alerts-open:' || id::text, 0))
        FROM unnest(@Ids::uuid[]) AS id
        """;

    private const string OpenCounts = """
        SELECT n.id, (SELECT count(*)::int FROM alerts.alert_history h WHERE h.node_id = n.id AND h.resolved_at IS NULL)
        FROM unnest(@Ids::uuid[]) AS n(id)
        """;

    /// <summary>
    /// Locks the rule's row first: a raise's insert takes a key-share lock on it, so an alert raised meanwhile either
    /// committed before (and is found) or waits and then finds the rule gone.
    /// </summary>
    private const string NodesOpenOnRule = """
        SELECT 1 FROM alerts.alert_rules WHERE id = @RuleId FOR UPDATE;
        SELECT DISTINCT node_id FROM alerts.alert_history WHERE rule_id = @RuleId AND resolved_at IS NULL;
        """;

    private const string OpenCritical = """
        SELECT EXISTS (SELECT 1 FROM alerts.alert_history WHERE node_id = @NodeId AND resolved_at IS NULL AND severity = 'critical')
        """;

    public async Task<bool> HasOpenCriticalAsync(Guid nodeId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(OpenCritical, new { NodeId = nodeId }, db.Transaction, cancellationToken: ct));
    }

    /// <returns>each node's open alerts (acknowledged ones are open until resolved), counted under the node's lock</returns>
    public async Task<IReadOnlyDictionary<Guid, int>> OpenCountsAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken ct)
    {
        Guid[] ids = [.. nodeIds.Distinct().Order()];
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(LockCounts, new { Ids = ids }, db.Transaction, cancellationToken: ct));
        var counts = await connection.QueryAsync<(Guid NodeId, int Open)>(new CommandDefinition(OpenCounts, new { Ids = ids }, db.Transaction, cancellationToken: ct));
        return counts.ToDictionary(c => c.NodeId, c => c.Open);
    }

    /// <returns>the nodes with an open alert of the rule, the rule locked until the transaction ends</returns>
    public async Task<IReadOnlyList<Guid>> NodesOpenOnRuleAsync(Guid ruleId, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(NodesOpenOnRule, new { RuleId = ruleId }, db.Transaction, cancellationToken: ct));
        _ = await results.ReadAsync<int>();
        return [.. await results.ReadAsync<Guid>()];
    }

    /// <returns>the new alert's id, or null: one is open already, the rule is in its cooldown, or it is disabled</returns>
    public async Task<Guid?> RaiseAsync(Guid ruleId, Guid nodeId, double value, string message, DateTimeOffset triggeredAt, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Lock, new { RuleId = ruleId, NodeId = nodeId }, db.Transaction, cancellationToken: ct));
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Raise, new
        {
            Id = Guid.CreateVersion7(), RuleId = ruleId, NodeId = nodeId, Value = value, Message = message, TriggeredAt = triggeredAt,
        }, db.Transaction, cancellationToken: ct));
    }

    /// <param name="resolvedBy">the user who resolved it by hand, or null when the value recovered (auto)</param>
    /// <returns>the resolved alert's id, or null when none was open</returns>
    public async Task<Guid?> ResolveAsync(Guid ruleId, Guid nodeId, DateTimeOffset resolvedAt, Guid? resolvedBy, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Lock, new { RuleId = ruleId, NodeId = nodeId }, db.Transaction, cancellationToken: ct));
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Resolve, new
        {
            RuleId = ruleId, NodeId = nodeId, ResolvedAt = resolvedAt, ResolvedBy = resolvedBy, Resolution = resolvedBy is null ? "auto" : "manual",
        }, db.Transaction, cancellationToken: ct));
    }
}
