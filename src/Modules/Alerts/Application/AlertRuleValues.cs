namespace EvaraTech.Modules.Alerts.Application;

/// <summary>The SQL parameters of a rule's columns, shared by create and replace.</summary>
internal static class AlertRuleValues
{
    public const string Set = """
        owner_distributor_id = @Owner, name = @Name, node_id = @NodeId, selector_tag_id = @TagId, selector_community_id = @CommunityId,
        selector_analytics_type = @AnalyticsType, metric = @Metric, operator = @Operator, threshold = @Threshold,
        upper_threshold = @UpperThreshold, clear_threshold = @ClearThreshold, duration_seconds = @DurationSeconds, severity = @Severity,
        cooldown_minutes = @CooldownMinutes, is_enabled = @IsEnabled
        """;

    public const int DefaultCooldownMinutes = 15;

    public static object Of(Guid id, Guid owner, AlertRuleInput rule) => new
    {
        Id = id, Owner = owner, rule.Name, rule.NodeId, rule.Selector?.TagId, rule.Selector?.CommunityId, rule.Selector?.AnalyticsType,
        rule.Metric, rule.Operator, rule.Threshold, rule.UpperThreshold, rule.ClearThreshold, DurationSeconds = rule.DurationSeconds ?? 0,
        rule.Severity, CooldownMinutes = rule.CooldownMinutes ?? DefaultCooldownMinutes, IsEnabled = rule.IsEnabled ?? true,
    };
}
