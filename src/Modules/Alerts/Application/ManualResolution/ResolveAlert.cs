using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.ManualResolution;

/// <summary>
/// An operator closes an open alert by hand (resolution <c>manual</c>, 409 when it is already resolved). The rule's
/// breach state is kept: a condition still holding raises nothing new until it has cleared, and the cooldown runs from
/// now. The node leaves Alert when this was its last open critical alert.
/// </summary>
[RequiresPermission(Permissions.AlertsWrite)]
[Audited(AuditAction.Update, "alert", Operation = "resolve")]
public sealed record ResolveAlertCommand(Guid Id) : ICommand<AlertDto>;

public sealed class ResolveAlertHandler(
    AlertHistory history, AlertLifecycle lifecycle, AlertsOnNode nodeAlerts, ICurrentUser user, AuditContext audit,
    IIntegrationEventPublisher events, TimeProvider clock)
    : ICommandHandler<ResolveAlertCommand, AlertDto>
{
    public async ValueTask<AlertDto> Handle(ResolveAlertCommand command, CancellationToken cancellationToken)
    {
        var alert = await history.FindAsync(command.Id, cancellationToken) ?? throw AppException.NotFound(AlertHistory.Resource);
        audit.Changing(alert);
        var now = clock.GetUtcNow();
        if (alert.ResolvedAt is not null || await lifecycle.ResolveAsync(alert.RuleId, alert.NodeId, now, user.UserId, cancellationToken) != alert.Id)
        {
            throw new AppException(ErrorKind.Conflict, ErrorCodes.Conflict, "The alert is already resolved.", "status");
        }

        IIntegrationEvent resolved = new AlertResolved(Guid.CreateVersion7(), now, alert.Id, alert.RuleId, alert.NodeId, alert.DistributorId,
            alert.Severity, now, "manual");
        await events.PublishAsync(resolved, cancellationToken);
        await nodeAlerts.FollowAsync(alert.NodeId, [resolved], cancellationToken);
        return (await history.FindAsync(alert.Id, cancellationToken))!;
    }
}
