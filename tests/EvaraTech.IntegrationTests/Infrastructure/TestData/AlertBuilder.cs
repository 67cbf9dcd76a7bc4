namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>
/// An alert in alerts.alert_history, as a rule raised it: by default a warning "Tank low" at value 20, triggered now and
/// still open; acknowledged or resolved (auto) when given those times, its status following.
/// </summary>
public sealed class AlertBuilder(Guid rule, Guid node, Guid owner)
{
    private Guid _id = Guid.CreateVersion7();
    private string _severity = "warning";
    private string _ruleName = "Tank low";
    private string _message = "Tank low";
    private DateTimeOffset? _triggeredAt;
    private DateTimeOffset? _acknowledgedAt;
    private DateTimeOffset? _resolvedAt;

    public AlertBuilder WithId(Guid id)
    {
        _id = id;
        return this;
    }

    public AlertBuilder Severity(string severity)
    {
        _severity = severity;
        return this;
    }

    /// <summary>The rule's name as the alert keeps it, and the alert's message (the same unless given).</summary>
    public AlertBuilder Named(string ruleName, string? message = null)
    {
        (_ruleName, _message) = (ruleName, message ?? ruleName);
        return this;
    }

    public AlertBuilder TriggeredAt(DateTimeOffset at)
    {
        _triggeredAt = at;
        return this;
    }

    public AlertBuilder AcknowledgedAt(DateTimeOffset? at)
    {
        _acknowledgedAt = at;
        return this;
    }

    public AlertBuilder ResolvedAt(DateTimeOffset? at)
    {
        _resolvedAt = at;
        return this;
    }

    public async Task<Guid> InsertAsync(TestDatabase database)
    {
        await Rows.InsertAsync(database, """
            INSERT INTO alerts.alert_history (id, rule_id, node_id, severity, status, value, message, triggered_at, acknowledged_at, resolved_at, resolution,
                                              rule_name, metric, owner_distributor_id)
            VALUES (@Id, @Rule, @Node, @Severity, @Status, 20, @Message, coalesce(@TriggeredAt, now()), @AcknowledgedAt, @ResolvedAt,
                    @Resolution, @RuleName, 'water_level_cm', @Owner)
            """, new
        {
            Id = _id, Rule = rule, Node = node, Owner = owner, Severity = _severity, Message = _message, RuleName = _ruleName,
            TriggeredAt = _triggeredAt, AcknowledgedAt = _acknowledgedAt, ResolvedAt = _resolvedAt,
            Resolution = _resolvedAt is null ? null : "auto",
            Status = _resolvedAt is not null ? "resolved" : _acknowledgedAt is not null ? "acknowledged" : "triggered",
        });
        return _id;
    }
}
