using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.UpdateNode;

/// <summary>Replaces a node's description and configuration (not its key, type or owner) at the version the client read.</summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node")]
public sealed record UpdateNodeCommand(
    Guid Id, long ExpectedVersion, string? Label, NodeCategory? Category, double? Lat, double? Lng, string? LocationName,
    double? CapacityLitres, DeviceConfigInput? Config) : ICommand<NodeDetails>;

public sealed class UpdateNodeValidator : AbstractValidator<UpdateNodeCommand>
{
    public UpdateNodeValidator()
    {
        RuleFor(c => c.Label).NotEmpty();
        RuleFor(c => c.Category).NotNull();
    }
}

public sealed class UpdateNodeHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<UpdateNodeCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(UpdateNodeCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        var node = await store.GetAsync(command.Id, user.Scope, cancellationToken, command.ExpectedVersion);

        node.Change(command.Label, command.Category!.Value, GeoPoint.From(command.Lat, command.Lng), command.LocationName,
            command.CapacityLitres, command.Config);
        await store.UpdateAsync(node, user.Scope, cancellationToken);
        return await reads.GetAsync(node.Id, user.Scope, cancellationToken);
    }
}
