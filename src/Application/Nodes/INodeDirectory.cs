using EvaraTech.Domain;

namespace EvaraTech.Application.Nodes;

/// <summary>What another module may know about a node: its identity, type and owner, and its tank geometry.</summary>
/// <param name="AnalyticsType">EvaraTank, EvaraFlow or EvaraDeep.</param>
/// <param name="TankMaxDepthCm">the tank's depth (EvaraTank with a configuration), for level percentages.</param>
/// <param name="TankLowLevelPercent">the tank's low-level threshold, in percent.</param>
public sealed record NodeReference(
    Guid Id, string AnalyticsType, Guid OwnerDistributorId, double? TankMaxDepthCm, double? TankLowLevelPercent);

/// <summary>
/// The Nodes module's published look-up for other modules: the nodes a caller may see. Other modules keep data by
/// node (telemetry, alerts) but never read the Nodes tables themselves; out-of-scope nodes are simply absent.
/// </summary>
public interface INodeDirectory
{
    /// <returns>the node, or null when it does not exist or is outside <paramref name="scope"/></returns>
    Task<NodeReference?> FindAsync(Guid nodeId, TenantScope scope, CancellationToken cancellationToken);

    /// <returns>the nodes of <paramref name="nodeIds"/> within <paramref name="scope"/>, in no particular order</returns>
    Task<IReadOnlyList<NodeReference>> FindManyAsync(IReadOnlyCollection<Guid> nodeIds, TenantScope scope, CancellationToken cancellationToken);
}
