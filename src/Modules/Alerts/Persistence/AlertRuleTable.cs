using System.Text.Json.Serialization;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>An alert rule as the API shows it.</summary>
public sealed record AlertRuleDto(
    Guid Id, Guid DistributorId, string Name, Guid? NodeId, Guid? SelectorTagId, Guid? SelectorCommunityId, string? SelectorAnalyticsType,
    string Metric, string Operator, double Threshold, double? UpperThreshold, double? ClearThreshold, int DurationSeconds, string Severity,
    int CooldownMinutes, bool IsEnabled, long Version, DateTime CreatedAt, DateTime UpdatedAt) : IAuditedResource
{
    [JsonIgnore]
    public Guid? OwnerDistributorId => DistributorId;
}

/// <summary>
/// <c>alerts.alert_rules</c> as a distributor-owned table: read, written and deleted under the caller's scope, at the
/// version the client read. Customers own no rules, so their scope sees none.
/// </summary>
public static class AlertRuleTable
{
    public const string Resource = "Alert rule";

    public static readonly TableSpec Spec = new(
        Resource,
        "alerts.alert_rules",
        """
        t.id, t.owner_distributor_id AS DistributorId, t.name, t.node_id AS NodeId, t.selector_tag_id AS SelectorTagId,
        t.selector_community_id AS SelectorCommunityId, t.selector_analytics_type AS SelectorAnalyticsType, t.metric, t.operator,
        t.threshold, t.upper_threshold AS UpperThreshold, t.clear_threshold AS ClearThreshold, t.duration_seconds AS DurationSeconds,
        t.severity, t.cooldown_minutes AS CooldownMinutes, t.is_enabled AS IsEnabled, t.version, t.created_at AS CreatedAt,
        t.updated_at AS UpdatedAt
        """,
        new Ownership("t.owner_distributor_id", "NULL"),
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["created_at"] = "t.created_at", ["name"] = "t.name", ["severity"] = "t.severity", ["metric"] = "t.metric",
        },
        "t.name",
        new Dictionary<string, (string Message, string? Field)>(StringComparer.Ordinal)
        {
            ["alert_rules_selector_tag_id_fkey"] = ("The selector's tag does not exist.", "selector.tagId"),
        });
}
