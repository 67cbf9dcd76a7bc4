namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>
/// Which nodes' alerts a notification rule tells of (the rule's <c>node_filter</c>): every criterion given must hold,
/// by any one of its values; none given is every node the user sees.
/// </summary>
public sealed record NodeFilter(
    IReadOnlyList<Guid>? NodeIds = null, IReadOnlyList<string>? Categories = null, IReadOnlyList<Guid>? CommunityIds = null,
    IReadOnlyList<Guid>? TagIds = null)
{
    /// <summary>The node categories there are (nodes.nodes.category).</summary>
    public static readonly IReadOnlyList<string> KnownCategories = ["OHT", "Sump", "Borewell", "FlowMeter"];

    public bool IsEverything => NodeIds is null && Categories is null && CommunityIds is null && TagIds is null;

    public bool Covers(Guid nodeId, string category, Guid? communityId, IReadOnlyCollection<Guid> tagIds) =>
        (NodeIds is null || NodeIds.Contains(nodeId))
        && (Categories is null || Categories.Contains(category))
        && (CommunityIds is null || (communityId is { } community && CommunityIds.Contains(community)))
        && (TagIds is null || TagIds.Any(tagIds.Contains));
}
