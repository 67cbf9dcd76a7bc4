using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.UntagNode;

/// <summary>Removes one <c>name=value</c> tag from a node; removing an absent tag changes nothing.</summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "untag")]
public sealed record UntagNodeCommand(Guid Id, string? Name, string? Value) : ICommand<NodeDetails>;

public sealed class UntagNodeValidator : AbstractValidator<UntagNodeCommand>
{
    public UntagNodeValidator()
    {
        RuleFor(c => c.Name).NotEmpty();
        RuleFor(c => c.Value).NotEmpty();
    }
}

public sealed class UntagNodeHandler(NodeTagChange change) : ICommandHandler<UntagNodeCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(UntagNodeCommand command, CancellationToken cancellationToken) =>
        await change.ApplyAsync(command.Id, store => store.UntagAsync(command.Id, command.Name!, command.Value!, cancellationToken), cancellationToken);
}
