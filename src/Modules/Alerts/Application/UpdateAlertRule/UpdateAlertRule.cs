using EvaraTech.Infrastructure.Caching;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.UpdateAlertRule;

/// <summary>Replaces a rule at the version the client read (If-Match); a breach already under way keeps its state.</summary>
[RequiresPermission(Permissions.AlertsWrite)]
[Audited(AuditAction.Update, "alert_rule")]
public sealed record UpdateAlertRuleCommand(Guid Id, long ExpectedVersion, AlertRuleInput Rule) : ICommand<AlertRuleDto>;

public sealed class UpdateAlertRuleValidator : AbstractValidator<UpdateAlertRuleCommand>
{
    public UpdateAlertRuleValidator() => RuleFor(c => c.Rule).NotNull().SetValidator(new AlertRuleInputValidator()).OverridePropertyName("");
}

public sealed class UpdateAlertRuleHandler(
    ScopedTable<AlertRuleDto> rules, RuleTargets targets, AlertRulesCache cache, ReadCache reads, ICurrentUser user, AuditContext audit, DbSession db)
    : ICommandHandler<UpdateAlertRuleCommand, AlertRuleDto>
{
    public async ValueTask<AlertRuleDto> Handle(UpdateAlertRuleCommand command, CancellationToken cancellationToken)
    {
        var before = await rules.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound(AlertRuleTable.Resource);
        audit.Changing(before);
        var owner = await targets.OwnerAsync(command.Rule, cancellationToken);
        var updated = await rules.UpdateAsync(command.Id, command.ExpectedVersion, AlertRuleValues.Set,
            AlertRuleValues.Of(command.Id, owner, command.Rule), user.Scope, cancellationToken);
        cache.Changed(db, reads, before.DistributorId, owner);
        return updated;
    }
}
