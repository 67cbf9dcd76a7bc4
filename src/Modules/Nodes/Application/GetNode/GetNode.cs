using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.GetNode;

[RequiresPermission(Permissions.NodesRead)]
public sealed record GetNodeQuery(Guid Id) : IQuery<NodeDetails>;

/// <summary>A node with everything that describes it, cached per node and scope (a node outside the scope is a 404, never cached).</summary>
public sealed class GetNodeHandler(NodeReads reads, NodeCache cache, ICurrentUser user) : IQueryHandler<GetNodeQuery, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(GetNodeQuery query, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(NodeCache.Node(query.Id), user.Scope.ToString(), ct => reads.GetAsync(query.Id, user.Scope, ct), cancellationToken);
}
