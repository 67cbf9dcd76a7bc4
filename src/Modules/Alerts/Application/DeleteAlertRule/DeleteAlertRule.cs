using EvaraTech.Infrastructure.Caching;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.DeleteAlertRule;

/// <summary>
/// Deletes a rule at the version the client read; its alerts go with it (history is the rule's), so the nodes it had
/// open alerts on are recounted and leave Alert if it held their last open critical one. Managing rules is <c>alerts:write</c>: distributors own their rules
/// (<c>alerts:delete</c> is for alert history).
/// </summary>
[RequiresPermission(Permissions.AlertsWrite)]
[Audited(AuditAction.Delete, "alert_rule")]
public sealed record DeleteAlertRuleCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteAlertRuleHandler(
    ScopedTable<AlertRuleDto> rules, AlertRulesCache cache, ReadCache reads, ICurrentUser user, AuditContext audit, DbSession db,
    AlertLifecycle lifecycle, AlertsOnNode nodeAlerts)
    : ICommandHandler<DeleteAlertRuleCommand>
{
    public async ValueTask<Unit> Handle(DeleteAlertRuleCommand command, CancellationToken cancellationToken)
    {
        var openOn = await lifecycle.NodesOpenOnRuleAsync(command.Id, cancellationToken);
        var deleted = await rules.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken);
        await nodeAlerts.RuleDeletedAsync(openOn, cancellationToken);
        audit.Changing(deleted);
        cache.Changed(db, reads, deleted.DistributorId);
        return Unit.Value;
    }
}
