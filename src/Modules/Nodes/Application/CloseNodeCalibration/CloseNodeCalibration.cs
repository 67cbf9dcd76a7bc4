using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.CloseNodeCalibration;

/// <summary>Ends an open calibration: readings after <c>validUntil</c> are no longer transformed by it.</summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "close_calibration")]
public sealed record CloseNodeCalibrationCommand(Guid Id, Guid CalibrationId, DateTimeOffset? ValidUntil) : ICommand<NodeDetails>;

public sealed class CloseNodeCalibrationHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<CloseNodeCalibrationCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(CloseNodeCalibrationCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        await store.TouchAsync(command.Id, null, user.Scope, cancellationToken);
        var period = (await store.CalibrationPeriodsAsync(command.Id, cancellationToken)).FirstOrDefault(p => p.Id == command.CalibrationId)
            ?? throw AppException.NotFound("Calibration");

        var until = Calibration.Close(period, command.ValidUntil);
        await store.CloseCalibrationAsync(command.Id, period.Id, until, cancellationToken);
        return await reads.GetAsync(command.Id, user.Scope, cancellationToken);
    }
}
