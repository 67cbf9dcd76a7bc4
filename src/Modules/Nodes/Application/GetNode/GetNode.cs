using EvaraTech.Application.Security;
using EvaraTech.Modules.Nodes.Persistence;
using Mediator;

namespace EvaraTech.Modules.Nodes.Application.GetNode;

[RequiresPermission(Permissions.NodesRead)]
public sealed record GetNodeQuery(Guid Id) : IQuery<NodeDetails>;

public sealed class GetNodeHandler(NodeReads reads, ICurrentUser user) : IQueryHandler<GetNodeQuery, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(GetNodeQuery query, CancellationToken cancellationToken) =>
        await reads.GetAsync(query.Id, user.Scope, cancellationToken);
}
