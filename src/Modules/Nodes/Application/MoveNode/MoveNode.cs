using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Nodes.Application.MoveNode;

/// <summary>
/// Hands a node to another tenant. Both the node and the new owner must be in the caller's scope, so a distributor
/// moves nodes within its own subtree and only a superadmin moves them between distributors.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "move")]
public sealed record MoveNodeCommand(Guid Id, long ExpectedVersion, TenantType? TenantType, Guid? DistributorId, Guid? CommunityId, Guid? CustomerId)
    : ICommand<NodeDetails>;

public sealed class MoveNodeHandler(NodeStore store, NodeReads reads, ITenantDirectory tenants, ICurrentUser user, AuditContext audit)
    : ICommandHandler<MoveNodeCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(MoveNodeCommand command, CancellationToken cancellationToken)
    {
        var before = await reads.GetAsync(command.Id, user.Scope, cancellationToken);
        audit.Changing(before);
        var owner = TenantOwner.From(command.TenantType, command.DistributorId, command.CommunityId, command.CustomerId);
        var node = await store.GetAsync(command.Id, user.Scope, cancellationToken, command.ExpectedVersion);

        var path = await tenants.OwnerInScopeAsync(owner, user.Scope, cancellationToken);
        if (!node.MoveTo(owner))
        {
            return before;
        }

        await store.MoveAsync(node, path, user.Scope, cancellationToken);
        return await reads.GetAsync(node.Id, user.Scope, cancellationToken);
    }
}
