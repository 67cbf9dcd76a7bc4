using EvaraTech.Application.Auditing;
using EvaraTech.Application.Security;
using EvaraTech.Modules.Nodes.Persistence;
using FluentValidation;
using Mediator;

namespace EvaraTech.Modules.Nodes.Application.Tags;

/// <summary>Tags a node with <c>name=value</c> (environment=production); tagging twice changes nothing.</summary>
[RequiresPermission(Permissions.NodesWrite)]
public sealed record TagNodeCommand(Guid Id, string? Name, string? Value) : ICommand<NodeDetails>;

/// <summary>Removes one <c>name=value</c> tag from a node; removing an absent tag changes nothing.</summary>
[RequiresPermission(Permissions.NodesWrite)]
public sealed record UntagNodeCommand(Guid Id, string? Name, string? Value) : ICommand<NodeDetails>;

public sealed class TagNodeValidator : AbstractValidator<TagNodeCommand>
{
    public TagNodeValidator()
    {
        RuleFor(c => c.Name).NotEmpty().Matches(TagRules.NamePattern).WithMessage(TagRules.NameRule);
        RuleFor(c => c.Value).NotEmpty().MaximumLength(255);
    }
}

public sealed class UntagNodeValidator : AbstractValidator<UntagNodeCommand>
{
    public UntagNodeValidator()
    {
        RuleFor(c => c.Name).NotEmpty();
        RuleFor(c => c.Value).NotEmpty();
    }
}

public static class TagRules
{
    public const string NamePattern = "^[a-z0-9][a-z0-9_.-]{0,99}$";
    public const string NameRule = "name is 1 to 100 lowercase letters, digits, '_', '.' or '-'.";
}

public sealed class TagNodeHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<TagNodeCommand, NodeDetails>, ICommandHandler<UntagNodeCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(TagNodeCommand command, CancellationToken cancellationToken) =>
        await ChangeAsync(command.Id, () => store.TagAsync(command.Id, command.Name!, command.Value!, user.UserId, cancellationToken), cancellationToken);

    public async ValueTask<NodeDetails> Handle(UntagNodeCommand command, CancellationToken cancellationToken) =>
        await ChangeAsync(command.Id, () => store.UntagAsync(command.Id, command.Name!, command.Value!, cancellationToken), cancellationToken);

    private async Task<NodeDetails> ChangeAsync(Guid id, Func<Task<bool>> change, CancellationToken cancellationToken)
    {
        var before = await reads.GetAsync(id, user.Scope, cancellationToken);
        audit.Changing(before);
        if (!await change())
        {
            return before;
        }

        await store.TouchAsync(id, null, user.Scope, cancellationToken);
        return await reads.GetAsync(id, user.Scope, cancellationToken);
    }
}
