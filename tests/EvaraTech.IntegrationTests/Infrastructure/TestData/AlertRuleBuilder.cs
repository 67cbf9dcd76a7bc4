namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>
/// An alert rule of a distributor: by default "Tank low", water_level_cm below 50, warning, for one node or for every
/// node of an analytics type, with the schema's 15 minutes of cooldown and no duration.
/// </summary>
public sealed class AlertRuleBuilder
{
    private Guid? _node;
    private string? _analyticsType;
    private string _name = "Tank low";
    private string _metric = "water_level_cm";
    private double _threshold = 50;
    private double? _clearThreshold;
    private int _durationSeconds;
    private string _severity = "warning";
    private int _cooldownMinutes = 15;

    private AlertRuleBuilder(Guid owner, Guid id)
    {
        Owner = owner;
        Id = id;
    }

    public Guid Id { get; }

    public Guid Owner { get; }

    public static AlertRuleBuilder ForNode(Guid owner, Guid node, Guid? id = null) => new(owner, id ?? Guid.CreateVersion7()) { _node = node };

    /// <summary>A selector rule: every node of the owner with <paramref name="analyticsType"/>, also those added later.</summary>
    public static AlertRuleBuilder ForEvery(Guid owner, string analyticsType, Guid? id = null) =>
        new(owner, id ?? Guid.CreateVersion7()) { _analyticsType = analyticsType };

    public AlertRuleBuilder Named(string name)
    {
        _name = name;
        return this;
    }

    /// <summary><paramref name="metric"/> below <paramref name="threshold"/>.</summary>
    public AlertRuleBuilder Below(double threshold, string metric = "water_level_cm")
    {
        (_threshold, _metric) = (threshold, metric);
        return this;
    }

    /// <summary>Resolves only once the value is past <paramref name="clearThreshold"/>.</summary>
    public AlertRuleBuilder ClearingAt(double clearThreshold)
    {
        _clearThreshold = clearThreshold;
        return this;
    }

    public AlertRuleBuilder Lasting(int durationSeconds)
    {
        _durationSeconds = durationSeconds;
        return this;
    }

    public AlertRuleBuilder Severity(string severity)
    {
        _severity = severity;
        return this;
    }

    public AlertRuleBuilder Cooldown(int minutes)
    {
        _cooldownMinutes = minutes;
        return this;
    }

    public async Task<Guid> InsertAsync(TestDatabase database)
    {
        await Rows.InsertAsync(database, """
            INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, node_id, selector_analytics_type, metric, operator, threshold, clear_threshold,
                                            duration_seconds, severity, cooldown_minutes)
            VALUES (@Id, @Owner, @Name, @Node, @AnalyticsType, @Metric, '<', @Threshold, @ClearThreshold, @DurationSeconds, @Severity, @CooldownMinutes)
            """, new
        {
            Id, Owner, Name = _name, Node = _node, AnalyticsType = _analyticsType, Metric = _metric, Threshold = _threshold,
            ClearThreshold = _clearThreshold, DurationSeconds = _durationSeconds, Severity = _severity, CooldownMinutes = _cooldownMinutes,
        });
        return Id;
    }
}
