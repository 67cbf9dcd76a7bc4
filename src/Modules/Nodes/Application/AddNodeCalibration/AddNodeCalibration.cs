using System.Text.Json;
using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.AddNodeCalibration;

/// <summary>Adds a calibration of one field; its validity may not overlap another calibration of that field.</summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "add_calibration")]
public sealed record AddNodeCalibrationCommand(Guid Id, string? Field, string? Type, JsonElement? Parameters, DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidUntil) : ICommand<NodeDetails>;

public sealed class AddNodeCalibrationHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<AddNodeCalibrationCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(AddNodeCalibrationCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        var node = await store.GetAsync(command.Id, user.Scope, cancellationToken);

        // The version bump serialises calibration changes of one node; the exclusion constraint backs the overlap rule.
        await store.TouchAsync(node.Id, null, user.Scope, cancellationToken);
        var calibration = Calibration.Define(node.AnalyticsType, command.Field, command.Type, command.Parameters, command.ValidFrom,
            command.ValidUntil, await store.CalibrationPeriodsAsync(node.Id, cancellationToken));
        await store.AddCalibrationAsync(node.Id, calibration, user.UserId, cancellationToken);
        return await reads.GetAsync(node.Id, user.Scope, cancellationToken);
    }
}
