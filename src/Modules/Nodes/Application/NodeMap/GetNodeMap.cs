using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.NodeMap;

/// <summary>Every node in scope as a map pin, in one query.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetNodeMapQuery : IQuery<IReadOnlyList<MapPin>>;

public sealed class GetNodeMapHandler(NodeReads reads, ICurrentUser user) : IQueryHandler<GetNodeMapQuery, IReadOnlyList<MapPin>>
{
    public async ValueTask<IReadOnlyList<MapPin>> Handle(GetNodeMapQuery query, CancellationToken cancellationToken) =>
        await reads.MapAsync(user.Scope, cancellationToken);
}
