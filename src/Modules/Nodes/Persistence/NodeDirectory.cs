using Dapper;
using EvaraTech.Application.Nodes;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>The Nodes module's side of <see cref="INodeDirectory"/>: one scoped statement for one node or many.</summary>
public sealed class NodeDirectory(DbSession db) : INodeDirectory
{
    private const string Find = """
        SELECT n.id, n.analytics_type AS AnalyticsType, n.owner_distributor_id AS OwnerDistributorId,
               t.max_depth_cm AS TankMaxDepthCm, t.low_level_percent AS TankLowLevelPercent
        FROM nodes.nodes n
        LEFT JOIN nodes.device_config_tank t ON t.node_id = n.id
        WHERE n.id = ANY(@Ids) AND {scope}
        """;

    public async Task<NodeReference?> FindAsync(Guid nodeId, TenantScope scope, CancellationToken cancellationToken) =>
        (await FindManyAsync([nodeId], scope, cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<NodeReference>> FindManyAsync(
        IReadOnlyCollection<Guid> nodeIds, TenantScope scope, CancellationToken cancellationToken)
    {
        if (nodeIds.Count == 0)
        {
            return [];
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NodeReference>(
            NodeScope.Command(db, Find, scope, new { Ids = nodeIds.ToArray() }, cancellationToken));
        return [.. rows];
    }
}
