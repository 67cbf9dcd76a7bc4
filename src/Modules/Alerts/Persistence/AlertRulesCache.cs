using System.Collections.Concurrent;
using Dapper;
using EvaraTech.Infrastructure.Caching;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>A rule with its target: one node, or a selector (every given part must match).</summary>
public sealed record TargetedRule(AlertRule Rule, Guid? NodeId, Guid? TagId, Guid? CommunityId, string? AnalyticsType)
{
    public bool AppliesTo(AlertTarget target) => NodeId is { } node
        ? node == target.NodeId
        : (TagId is null || target.TagIds.Contains(TagId.Value))
          && (CommunityId is null || CommunityId == target.CommunityId)
          && (AnalyticsType is null || AnalyticsType == target.AnalyticsType);
}

/// <summary>
/// The enabled rules of each distributor, cached in memory: every stored batch asks for them, and most owners have
/// few rules or none, so a batch of a node without rules costs no database work. An entry lives
/// <see cref="Lifetime"/> at most (how long another instance's change may go unseen) and is dropped at once by
/// <see cref="Invalidate"/> when rules change here. Selectors are matched in memory against the node, so nodes added
/// later are covered.
/// </summary>
public sealed class AlertRulesCache(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(1);

    /// <summary>The read-cache region of the rules API's reads (rule writes are rare: one region serves every scope).</summary>
    public const string ApiRegion = "alert-rules";

    private const string OfOwner = """
        SELECT id, name, metric, operator, threshold, upper_threshold AS UpperThreshold, clear_threshold AS ClearThreshold,
               duration_seconds AS DurationSeconds, severity, node_id AS NodeId, selector_tag_id AS TagId,
               selector_community_id AS CommunityId, selector_analytics_type AS AnalyticsType
        FROM alerts.alert_rules
        WHERE owner_distributor_id = @Owner AND is_enabled
        """;

    private readonly ConcurrentDictionary<Guid, (DateTimeOffset LoadedAt, IReadOnlyList<TargetedRule> Rules)> _byOwner = new();

    /// <returns>the owner's enabled rules, from memory when loaded less than <see cref="Lifetime"/> ago</returns>
    /// <param name="db">touched only when the owner's rules are read afresh</param>
    public async Task<IReadOnlyList<TargetedRule>> OfOwnerAsync(Guid owner, DbSession db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_byOwner.TryGetValue(owner, out var cached) && now - cached.LoadedAt < Lifetime)
        {
            return cached.Rules;
        }

        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<RuleRow>(new CommandDefinition(OfOwner, new { Owner = owner }, db.Transaction, cancellationToken: ct));
        IReadOnlyList<TargetedRule> rules = [.. rows.Select(r => r.ToRule())];
        _byOwner[owner] = (now, rules);
        return rules;
    }

    /// <summary>The owner's rules changed: the next batch reads them afresh.</summary>
    public void Invalidate(Guid owner) => _byOwner.TryRemove(owner, out _);

    /// <summary>
    /// The owners' rules changed in the current transaction: once it commits, evaluation here reads them afresh and the
    /// rules API's cached reads are retired on every instance.
    /// </summary>
    public void Changed(DbSession db, ReadCache reads, params Guid[] owners) => db.AfterCommit(async () =>
    {
        foreach (var owner in owners)
        {
            Invalidate(owner);
        }

        await reads.InvalidateAsync([ApiRegion]);
    });

    private sealed record RuleRow(
        Guid Id, string Name, string Metric, string Operator, double Threshold, double? UpperThreshold, double? ClearThreshold, int DurationSeconds,
        string Severity, Guid? NodeId, Guid? TagId, Guid? CommunityId, string? AnalyticsType)
    {
        public TargetedRule ToRule() => new(
            new AlertRule(Id, Name, Metric, new AlertCondition(AlertRule.Operators[Operator], Threshold, UpperThreshold, ClearThreshold),
                TimeSpan.FromSeconds(DurationSeconds), Enum.Parse<AlertSeverity>(Severity, ignoreCase: true)),
            NodeId, TagId, CommunityId, AnalyticsType);
    }
}
