using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.DeleteNode;

/// <summary>Deletes a node and everything describing it (its telemetry goes with it by cascade).</summary>
[RequiresPermission(Permissions.NodesDelete)]
[Audited(AuditAction.Delete, "node")]
public sealed record DeleteNodeCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteNodeHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteNodeCommand>
{
    public async ValueTask<Unit> Handle(DeleteNodeCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        await store.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken);
        return Unit.Value;
    }
}
