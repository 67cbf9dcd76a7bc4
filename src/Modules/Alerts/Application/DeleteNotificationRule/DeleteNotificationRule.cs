using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.DeleteNotificationRule;

/// <summary>Deletes one of the caller's rules at the version they read; deliveries already queued from it are failed, not sent.</summary>
[RequiresPermission(Permissions.AlertsRead)]
[Audited(AuditAction.Delete, "notification_rule")]
public sealed record DeleteNotificationRuleCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteNotificationRuleHandler(NotificationRuleStore rules, ICurrentUser user, AuditContext audit)
    : ICommandHandler<DeleteNotificationRuleCommand>
{
    public async ValueTask<Unit> Handle(DeleteNotificationRuleCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await rules.DeleteAsync(command.Id, user.UserId!.Value, command.ExpectedVersion, cancellationToken));
        return Unit.Value;
    }
}
