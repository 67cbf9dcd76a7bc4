namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>A node's ownership path in every statement of the module (alias <c>n</c>), for <see cref="ScopeFilter"/>.</summary>
internal static class NodeOwnership
{
    public static readonly Ownership Columns = new("n.owner_distributor_id", "n.customer_id");
}
