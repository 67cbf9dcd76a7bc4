using EvaraTech.Infrastructure.Caching;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// The nodes' regions of the read cache: one per node (its details) and one for every node list. Any write to a node,
/// its state included, retires both once its transaction commits, in one round trip however many nodes it touched.
/// </summary>
public sealed class NodeCache(ReadCache cache, CacheUsage usage, DbSession db)
{
    public const string Lists = "nodes";

    private readonly HashSet<Guid> _changed = [];

    public static string Node(Guid id) => $"node:{id}";

    public Task<T> GetOrCreateAsync<T>(string region, string key, Func<CancellationToken, Task<T>> read, CancellationToken ct) =>
        cache.GetOrCreateAsync(region, key, read, usage, ct);

    /// <summary>The nodes are being changed in the current transaction: their cached reads are retired when it commits.</summary>
    public void Changed(IEnumerable<Guid> nodeIds)
    {
        var first = _changed.Count == 0;
        _changed.UnionWith(nodeIds);
        if (first && _changed.Count > 0)
        {
            db.AfterCommit(async () =>
            {
                string[] regions = [Lists, .. _changed.Select(Node)];
                _changed.Clear();
                await cache.InvalidateAsync(regions);
            });
        }
    }
}
