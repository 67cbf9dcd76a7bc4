using EvaraTech.Infrastructure.Caching;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.CreateAlertRule;

[RequiresPermission(Permissions.AlertsWrite)]
[Audited(AuditAction.Create, "alert_rule")]
public sealed record CreateAlertRuleCommand(AlertRuleInput Rule) : ICommand<AlertRuleDto>;

public sealed class CreateAlertRuleValidator : AbstractValidator<CreateAlertRuleCommand>
{
    public CreateAlertRuleValidator() => RuleFor(c => c.Rule).NotNull().SetValidator(new AlertRuleInputValidator()).OverridePropertyName("");
}

/// <summary>Stores a rule for its target's distributor; evaluation sees it from the next batch on (the cache is dropped on commit).</summary>
public sealed class CreateAlertRuleHandler(ScopedTable<AlertRuleDto> rules, RuleTargets targets, AlertRulesCache cache, ReadCache reads, DbSession db)
    : ICommandHandler<CreateAlertRuleCommand, AlertRuleDto>
{
    private const string Insert = """
        INSERT INTO alerts.alert_rules AS t (id, owner_distributor_id, name, node_id, selector_tag_id, selector_community_id,
            selector_analytics_type, metric, operator, threshold, upper_threshold, clear_threshold, duration_seconds, severity,
            cooldown_minutes, is_enabled)
        VALUES (@Id, @Owner, @Name, @NodeId, @TagId, @CommunityId, @AnalyticsType, @Metric, @Operator, @Threshold, @UpperThreshold,
            @ClearThreshold, @DurationSeconds, @Severity, @CooldownMinutes, @IsEnabled)
        """;

    public async ValueTask<AlertRuleDto> Handle(CreateAlertRuleCommand command, CancellationToken cancellationToken)
    {
        var owner = await targets.OwnerAsync(command.Rule, cancellationToken);
        var created = await rules.InsertAsync(Insert, AlertRuleValues.Of(Guid.CreateVersion7(), owner, command.Rule), cancellationToken);
        cache.Changed(db, reads, owner);
        return created;
    }
}
