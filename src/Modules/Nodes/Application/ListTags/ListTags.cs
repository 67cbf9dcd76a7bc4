using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.ListTags;

/// <summary>The tags the caller's nodes carry, by name and value, each with its id: what alert and notification rules select nodes by.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record ListTagsQuery : IQuery<IReadOnlyList<TagInUse>>;

public sealed class ListTagsHandler(NodeReads reads, ICurrentUser user) : IQueryHandler<ListTagsQuery, IReadOnlyList<TagInUse>>
{
    public async ValueTask<IReadOnlyList<TagInUse>> Handle(ListTagsQuery query, CancellationToken cancellationToken) =>
        await reads.TagsAsync(user.Scope, cancellationToken);
}
