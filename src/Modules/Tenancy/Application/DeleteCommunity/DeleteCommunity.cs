using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteCommunity;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Delete, "community")]
public sealed record DeleteCommunityCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteCommunityHandler(ScopedTable<CommunityDto> communities, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteCommunityCommand>
{
    public async ValueTask<Unit> Handle(DeleteCommunityCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await communities.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
