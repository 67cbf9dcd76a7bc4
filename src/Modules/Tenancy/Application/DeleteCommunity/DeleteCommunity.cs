using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteCommunity;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Delete, "community")]
public sealed record DeleteCommunityCommand(Guid Id, long ExpectedVersion) : ICommand;

/// <summary>Deletes an empty community at the version the client read; one that still owns anything is refused, naming what (409).</summary>
public sealed class DeleteCommunityHandler(ScopedTable<CommunityDto> communities, TenantContents contents, ICurrentUser user, AuditContext audit)
    : ICommandHandler<DeleteCommunityCommand>
{
    public async ValueTask<Unit> Handle(DeleteCommunityCommand command, CancellationToken cancellationToken)
    {
        _ = await communities.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Community");
        await contents.EnsureEmptyAsync(TenantType.Community, command.Id, cancellationToken);
        audit.Changing(await communities.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
