using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.IssueWriteKey;

/// <summary>
/// Gives a node's channel a new write key, the credential its device pushes with, and answers it once: only its
/// keyed hash is stored, so it can never be shown again, and the previous key stops working at once. Issued, never
/// chosen, so no answer can tell a caller that some other node has a given key.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "issue_write_key")]
public sealed record IssueWriteKeyCommand(Guid Id) : ICommand<IssuedWriteKey>;

/// <summary>The new write key, in full this once.</summary>
public sealed record IssuedWriteKey(Guid NodeId, string WriteKey);

public sealed class IssueWriteKeyHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<IssueWriteKeyCommand, IssuedWriteKey>
{
    public async ValueTask<IssuedWriteKey> Handle(IssueWriteKeyCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        await store.TouchAsync(command.Id, null, user.Scope, cancellationToken);
        return new IssuedWriteKey(command.Id, await store.IssueWriteKeyAsync(command.Id, cancellationToken));
    }
}
