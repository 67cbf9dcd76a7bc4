using EvaraTech.Application.Errors;
using EvaraTech.Application.Security;
using EvaraTech.Modules.Nodes.Persistence;
using Mediator;

namespace EvaraTech.Modules.Nodes.Application.GetNode;

[RequiresPermission(Permissions.NodesRead)]
public sealed record GetNodeQuery(Guid Id) : IQuery<NodeDetails>;

public sealed class GetNodeHandler(NodeReads reads, ICurrentUser user) : IQueryHandler<GetNodeQuery, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(GetNodeQuery query, CancellationToken cancellationToken) =>
        await reads.FindAsync(query.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound(NodeStore.Resource);
}
