using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.ListNodes;

/// <summary>
/// <c>GET /nodes</c>: filters, a whitelisted sort, and either offset pages (<c>page</c>, with totals) or keyset pages
/// (<c>cursor</c>, from a previous page's <c>nextCursor</c>). Offset pages also return the next cursor, so a client
/// can switch to keyset paging at any page.
/// </summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record ListNodesQuery(
    PageRequest Paging, string? Cursor, IReadOnlyList<string> Statuses, IReadOnlyList<string> Categories, string? AnalyticsType,
    Guid? CommunityId, string? Tag, string? Search, string? Sort, IReadOnlyList<string> Fields) : IQuery<NodePage>;

public sealed class ListNodesValidator : AbstractValidator<ListNodesQuery>
{
    private static readonly string[] StatusNames = Enum.GetNames<NodeStatus>();
    private static readonly string[] CategoryNames = Enum.GetNames<NodeCategory>();
    private static readonly string[] AnalyticsTypeNames = Enum.GetNames<AnalyticsType>();

    public ListNodesValidator()
    {
        this.ValidPaging(q => q.Paging);
        this.ValidSort(q => q.Sort, [.. NodeList.SortKeys.Keys]);
        RuleFor(q => q.Statuses).Must(all => all.All(StatusNames.Contains))
            .WithMessage($"status is one of {string.Join(", ", StatusNames)}.").OverridePropertyName("status");
        RuleFor(q => q.Categories).Must(all => all.All(CategoryNames.Contains))
            .WithMessage($"category is one of {string.Join(", ", CategoryNames)}.").OverridePropertyName("category");
        RuleFor(q => q.AnalyticsType).Must(a => a is null || AnalyticsTypeNames.Contains(a))
            .WithMessage($"analytics_type is one of {string.Join(", ", AnalyticsTypeNames)}.").OverridePropertyName("analytics_type");
        RuleFor(q => q.Tag).Must(t => t is null || TagFilter.Parse(t) is not null)
            .WithMessage("tag is name:value.").OverridePropertyName("tag");
        RuleFor(q => q.Search).MaximumLength(100).OverridePropertyName("search");
        RuleFor(q => q.Fields).Must(all => all.All(NodeFields.Selectable.ContainsKey))
            .WithMessage($"fields are from: {string.Join(", ", NodeFields.Selectable.Keys.Where(k => k.Contains('_') || !k.Any(char.IsUpper)))}.")
            .OverridePropertyName("fields");
        RuleFor(q => q.Cursor)
            .Must((q, cursor) => cursor is null || !NodeList.SortKeys.ContainsKey((q.Sort ?? NodeList.DefaultSort).TrimStart('-'))
                || NodeList.Cursor.Matches(cursor, q.Sort ?? NodeList.DefaultSort))
            .WithMessage("cursor is not a cursor of this list and sort; start again without one.").OverridePropertyName("cursor");
    }
}

/// <summary>Sparse fieldsets: the whitelist of <c>fields=</c> names (snake_case or camelCase) and the projection.</summary>
public static class NodeFields
{
    public static readonly IReadOnlyDictionary<string, (string Name, Func<NodeSummary, object?> Value)> Selectable = Build(
        ("id", n => n.Id), ("node_key", n => n.NodeKey), ("label", n => n.Label), ("category", n => n.Category),
        ("analytics_type", n => n.AnalyticsType), ("tenant_type", n => n.TenantType), ("distributor_id", n => n.DistributorId),
        ("community_id", n => n.CommunityId), ("customer_id", n => n.CustomerId), ("lat", n => n.Lat), ("lng", n => n.Lng),
        ("location_name", n => n.LocationName), ("capacity_litres", n => n.CapacityLitres), ("status", n => n.Status),
        ("last_seen", n => n.LastSeen), ("version", n => n.Version), ("created_at", n => n.CreatedAt), ("updated_at", n => n.UpdatedAt));

    /// <summary>Each node with only the requested fields, named in camelCase as in the full representation.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, object?>> Project(IEnumerable<NodeSummary> nodes, IReadOnlyList<string> fields)
    {
        var chosen = fields.Select(f => Selectable[f]).DistinctBy(f => f.Name).ToList();
        return [.. nodes.Select(n => (IReadOnlyDictionary<string, object?>)chosen.ToDictionary(f => f.Name, f => f.Value(n)))];
    }

    private static Dictionary<string, (string, Func<NodeSummary, object?>)> Build(params (string Snake, Func<NodeSummary, object?> Value)[] fields)
    {
        var map = new Dictionary<string, (string, Func<NodeSummary, object?>)>(StringComparer.Ordinal);
        foreach (var (snake, value) in fields)
        {
            var camel = string.Concat(snake.Split('_').Select((part, i) => i == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..]));
            map[snake] = (camel, value);
            map[camel] = (camel, value);
        }

        return map;
    }
}

public static class TagFilter
{
    /// <summary><c>zone:north</c> → (zone, north); the value may itself contain ':'.</summary>
    public static (string Name, string Value)? Parse(string tag)
    {
        var separator = tag.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 && separator < tag.Length - 1 ? (tag[..separator], tag[(separator + 1)..]) : null;
    }
}

/// <summary>Lists are cached per scope and query; any node write anywhere retires them (see <see cref="NodeCache"/>).</summary>
public sealed class ListNodesHandler(NodeList nodes, NodeCache cache, ICurrentUser user) : IQueryHandler<ListNodesQuery, NodePage>
{
    public async ValueTask<NodePage> Handle(ListNodesQuery query, CancellationToken cancellationToken)
    {
        var tag = query.Tag is null ? null : TagFilter.Parse(query.Tag);
        var filter = new NodeFilter(query.Statuses, query.Categories, query.AnalyticsType, query.CommunityId, tag?.Name, tag?.Value,
            string.IsNullOrWhiteSpace(query.Search) ? null : query.Search.Trim());
        var offset = query.Cursor is null ? query.Paging.Offset : (int?)null;
        var key = string.Join('|', user.Scope, string.Join(',', query.Statuses), string.Join(',', query.Categories), query.AnalyticsType, query.CommunityId,
            query.Tag, filter.Search, query.Sort, query.Paging.Limit, offset, query.Cursor);
        return await cache.GetOrCreateAsync(NodeCache.Lists, key,
            ct => nodes.ListAsync(user.Scope, filter, query.Sort, query.Paging.Limit, offset, query.Cursor, ct), cancellationToken);
    }
}
