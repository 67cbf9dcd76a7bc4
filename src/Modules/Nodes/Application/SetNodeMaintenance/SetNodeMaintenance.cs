using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.SetNodeMaintenance;

/// <summary>
/// Puts a node into maintenance (alerts and offline detection leave it alone) or takes it out. No If-Match: the
/// operator states the wanted end state, which is applied through the state's compare-and-set path.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "set_maintenance")]
public sealed record SetNodeMaintenanceCommand(Guid Id, bool Enabled) : ICommand<NodeDetails>;

public sealed class SetNodeMaintenanceHandler(OperationalStateStore states, NodeReads reads, ICurrentUser user, AuditContext audit, TimeProvider clock)
    : ICommandHandler<SetNodeMaintenanceCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(SetNodeMaintenanceCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        await states.ChangeAsync(command.Id, user.Scope, state => state.SetMaintenance(command.Enabled, clock.GetUtcNow()),
            command.Enabled ? "maintenance started" : "maintenance ended", cancellationToken);
        return await reads.GetAsync(command.Id, user.Scope, cancellationToken);
    }
}
