using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application;

/// <summary>
/// What tagging and untagging share: the node as it was for the audit trail, the change, and a new version only when
/// the tags really changed (tagging twice or removing an absent tag changes nothing).
/// </summary>
public sealed class NodeTagChange(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
{
    public async Task<NodeDetails> ApplyAsync(Guid id, Func<NodeStore, Task<bool>> change, CancellationToken cancellationToken)
    {
        var before = await reads.GetAsync(id, user.Scope, cancellationToken);
        audit.Changing(before);
        if (!await change(store))
        {
            return before;
        }

        await store.TouchAsync(id, null, user.Scope, cancellationToken);
        return await reads.GetAsync(id, user.Scope, cancellationToken);
    }
}
