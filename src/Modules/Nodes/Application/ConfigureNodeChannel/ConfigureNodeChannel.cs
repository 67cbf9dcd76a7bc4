using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.ConfigureNodeChannel;

/// <summary>
/// Sets the node's ThingSpeak channel and replaces its field mappings, at the node version the client read. A read
/// key left out keeps the stored one (the API never shows keys in full, so a client can't send them back), and so does
/// a source left out (a new channel is both polled and pushed). Write keys are never chosen by a client: a chosen key
/// that another node already has would have to be refused, telling the caller that the key exists.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "configure_channel")]
public sealed record ConfigureNodeChannelCommand(Guid Id, long ExpectedVersion, long? ChannelId, string? ReadKey, string? WriteKey,
    IReadOnlyList<FieldMappingInput>? Mappings, int? ReportingIntervalSeconds = null, string? Source = null) : ICommand<NodeDetails>;

public sealed class ConfigureNodeChannelHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<ConfigureNodeChannelCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(ConfigureNodeChannelCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        var node = await store.GetAsync(command.Id, user.Scope, cancellationToken);
        var channel = node.ConfigureChannel(command.ChannelId, command.ReadKey, command.Mappings, command.ReportingIntervalSeconds, command.Source);

        await store.TouchAsync(node.Id, command.ExpectedVersion, user.Scope, cancellationToken);
        await store.ReplaceChannelAsync(node.Id, channel, cancellationToken);
        return await reads.GetAsync(node.Id, user.Scope, cancellationToken);
    }
}

public sealed class ConfigureNodeChannelValidator : AbstractValidator<ConfigureNodeChannelCommand>
{
    public ConfigureNodeChannelValidator() =>
        RuleFor(c => c.WriteKey).Null()
            .WithMessage("Write keys are issued by the platform: POST /api/v1/nodes/{id}/channel/write-key answers a new one.");
}
