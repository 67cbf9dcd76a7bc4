using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Nodes.Application.CreateNode;

[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Create, "node")]
public sealed record CreateNodeCommand(
    string? NodeKey, string? Label, NodeCategory? Category, AnalyticsType? AnalyticsType, TenantType? TenantType,
    Guid? DistributorId, Guid? CommunityId, Guid? CustomerId, double? Lat, double? Lng, string? LocationName,
    double? CapacityLitres, DeviceConfigInput? Config) : ICommand<NodeDetails>;

public sealed class CreateNodeValidator : AbstractValidator<CreateNodeCommand>
{
    public CreateNodeValidator()
    {
        RuleFor(c => c.NodeKey).NotEmpty();
        RuleFor(c => c.Label).NotEmpty();
        RuleFor(c => c.Category).NotNull();
        RuleFor(c => c.TenantType).NotNull();
    }
}

public sealed class CreateNodeHandler(NodeStore store, NodeReads reads, ITenantDirectory tenants, ICurrentUser user)
    : ICommandHandler<CreateNodeCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(CreateNodeCommand command, CancellationToken cancellationToken)
    {
        var owner = TenantOwner.From(command.TenantType, command.DistributorId, command.CommunityId, command.CustomerId);
        var node = Node.Create(command.NodeKey, command.Label, command.Category!.Value, command.AnalyticsType, owner,
            GeoPoint.From(command.Lat, command.Lng), command.LocationName, command.CapacityLitres, command.Config);
        var path = await tenants.OwnerInScopeAsync(owner, user.Scope, cancellationToken);

        await store.InsertAsync(node, path, cancellationToken);
        return await reads.GetAsync(node.Id, user.Scope, cancellationToken);
    }
}
