using Dapper;
using EvaraTech.Application.Nodes;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>
/// The enabled rules that apply to a node: its own, and the selectors of its owner that match it (every given part:
/// tag, community, analytics type), so nodes added later are covered without touching the rules.
/// </summary>
public sealed class AlertRules(DbSession db)
{
    private const string ForNode = """
        SELECT id, name, metric, operator, threshold, upper_threshold AS UpperThreshold, clear_threshold AS ClearThreshold,
               duration_seconds AS DurationSeconds, severity
        FROM alerts.alert_rules
        WHERE is_enabled
          AND owner_distributor_id = @Owner
          AND (node_id = @NodeId
               OR (node_id IS NULL
                   AND (selector_tag_id IS NULL OR selector_tag_id = ANY(@TagIds))
                   AND (selector_community_id IS NULL OR selector_community_id = @CommunityId)
                   AND (selector_analytics_type IS NULL OR selector_analytics_type = @AnalyticsType)))
        """;

    public async Task<IReadOnlyList<AlertRule>> ForNodeAsync(AlertTarget target, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<RuleRow>(new CommandDefinition(ForNode, new
        {
            target.NodeId, Owner = target.OwnerDistributorId, TagIds = target.TagIds.ToArray(), target.CommunityId, target.AnalyticsType,
        }, db.Transaction, cancellationToken: ct));
        return [.. rows.Select(r => r.ToRule())];
    }

    private sealed record RuleRow(
        Guid Id, string Name, string Metric, string Operator, double Threshold, double? UpperThreshold, double? ClearThreshold, int DurationSeconds,
        string Severity)
    {
        public AlertRule ToRule() => new(Id, Name, Metric,
            new AlertCondition(AlertRule.Operators[Operator], Threshold, UpperThreshold, ClearThreshold),
            TimeSpan.FromSeconds(DurationSeconds), Enum.Parse<AlertSeverity>(Severity, ignoreCase: true));
    }
}
