using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.AcknowledgeAlert;

/// <summary>
/// An operator has seen an open alert: it is acknowledged (once; 409 when already acknowledged or resolved), its
/// repeat notifications stop, and <see cref="AlertAcknowledged"/> is published.
/// </summary>
[RequiresPermission(Permissions.AlertsWrite)]
[Audited(AuditAction.Update, "alert", Operation = "acknowledge")]
public sealed record AcknowledgeAlertCommand(Guid Id) : ICommand<AlertDto>;

public sealed class AcknowledgeAlertHandler(AlertHistory history, ICurrentUser user, AuditContext audit, IIntegrationEventPublisher events, TimeProvider clock)
    : ICommandHandler<AcknowledgeAlertCommand, AlertDto>
{
    public async ValueTask<AlertDto> Handle(AcknowledgeAlertCommand command, CancellationToken cancellationToken)
    {
        var alert = await history.FindAsync(command.Id, cancellationToken) ?? throw AppException.NotFound(AlertHistory.Resource);
        audit.Changing(alert);
        var now = clock.GetUtcNow();
        if (!await history.AcknowledgeAsync(alert.Id, user.UserId!.Value, now, cancellationToken))
        {
            throw new AppException(ErrorKind.Conflict, ErrorCodes.Conflict, $"The alert is already {alert.Status}.", "status");
        }

        await events.PublishAsync(new AlertAcknowledged(Guid.CreateVersion7(), now, alert.Id, alert.RuleId, alert.NodeId, alert.DistributorId,
            alert.Severity, now, user.UserId.Value), cancellationToken);
        return (await history.FindAsync(alert.Id, cancellationToken))!;
    }
}
