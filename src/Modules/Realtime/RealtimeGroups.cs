using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Realtime;

/// <summary>
/// The hub's groups. Each event of a node goes to the groups of its current ownership path only; node and community
/// groups carry that path in their names, so a node moved to another tenant stops reaching those who subscribed to it
/// under its old owner: nothing is ever sent outside a recipient's scope.
/// </summary>
public static class RealtimeGroups
{
    public const string Everyone = "scope:all";

    public static string Distributor(Guid id) => $"distributor:{id}";

    public static string Customer(Guid id) => $"customer:{id}";

    public static string Community(Guid id, Guid distributorId) => $"community:{id}:{distributorId}";

    public static string Node(NodeAudience node) => $"node:{node.NodeId}:{node.DistributorId}:{node.CustomerId}";

    /// <returns>the group of a whole scope, or null for a scope that sees nothing</returns>
    public static string? OfScope(TenantScope scope) => scope.Kind switch
    {
        ScopeKind.Everything => Everyone,
        ScopeKind.Distributor => Distributor(scope.DistributorId!.Value),
        ScopeKind.Customer => Customer(scope.CustomerId!.Value),
        _ => null,
    };

    /// <returns>every group that may hear of <paramref name="node"/></returns>
    public static IReadOnlyList<string> For(NodeAudience node)
    {
        List<string> groups = [Everyone, Distributor(node.DistributorId), Node(node)];
        if (node.CustomerId is { } customer)
        {
            groups.Add(Customer(customer));
        }

        if (node.CommunityId is { } community)
        {
            groups.Add(Community(community, node.DistributorId));
        }

        return groups;
    }
}
