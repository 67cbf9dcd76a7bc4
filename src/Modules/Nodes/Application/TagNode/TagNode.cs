using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.TagNode;

/// <summary>Tags a node with <c>name=value</c> (environment=production); tagging twice changes nothing.</summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "tag")]
public sealed record TagNodeCommand(Guid Id, string? Name, string? Value) : ICommand<NodeDetails>;

public sealed class TagNodeValidator : AbstractValidator<TagNodeCommand>
{
    public TagNodeValidator()
    {
        RuleFor(c => c.Name).NotEmpty().Matches(TagRules.NamePattern).WithMessage(TagRules.NameRule);
        RuleFor(c => c.Value).NotEmpty().MaximumLength(255);
    }
}

public static class TagRules
{
    public const string NamePattern = "^[a-z0-9][a-z0-9_.-]{0,99}$";
    public const string NameRule = "name is 1 to 100 lowercase letters, digits, '_', '.' or '-'.";
}

public sealed class TagNodeHandler(NodeTagChange change, ICurrentUser user) : ICommandHandler<TagNodeCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(TagNodeCommand command, CancellationToken cancellationToken) =>
        await change.ApplyAsync(command.Id, store => store.TagAsync(command.Id, command.Name!, command.Value!, user.UserId, cancellationToken), cancellationToken);
}
