using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.IssueMqttCredentials;

/// <summary>
/// Gives a node MQTT device credentials (client id, user name, password), as ThingSpeak's MQTT devices have them, and
/// answers them once: only the password's keyed hash is stored, and credentials issued before are refused from then on
/// (a connection already open with them goes on until it closes).
/// They let a device publish to its node's channel only, so the node must have a channel.
/// </summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "issue_mqtt_credentials")]
public sealed record IssueMqttCredentialsCommand(Guid Id) : ICommand<IssuedMqttCredentials>;

/// <summary>The new credentials, the password in full this once.</summary>
public sealed record IssuedMqttCredentials(Guid NodeId, long ChannelId, string ClientId, string Username, string Password);

public sealed class IssueMqttCredentialsHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<IssueMqttCredentialsCommand, IssuedMqttCredentials>
{
    public async ValueTask<IssuedMqttCredentials> Handle(IssueMqttCredentialsCommand command, CancellationToken cancellationToken)
    {
        var node = await reads.GetAsync(command.Id, user.Scope, cancellationToken);
        audit.Changing(node);
        var channelId = node.Channel?.ChannelId
            ?? throw new AppException(ErrorKind.Conflict, "CHANNEL_NOT_CONFIGURED", "The node has no channel yet: configure it first.", "channelId");
        await store.TouchAsync(command.Id, null, user.Scope, cancellationToken);
        var (clientId, username, password) = await store.IssueMqttCredentialsAsync(command.Id, cancellationToken);
        return new IssuedMqttCredentials(command.Id, channelId, clientId, username, password);
    }
}
