using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteDistributor;

[RequiresPermission(Permissions.TenantsDelete)]
[Audited(AuditAction.Delete, "distributor")]
public sealed record DeleteDistributorCommand(Guid Id, long ExpectedVersion) : ICommand;

/// <summary>Deletes an empty distributor at the version the client read; one that still owns anything is refused, naming what (409).</summary>
public sealed class DeleteDistributorHandler(ScopedTable<DistributorDto> distributors, TenantContents contents, ICurrentUser user, AuditContext audit)
    : ICommandHandler<DeleteDistributorCommand>
{
    public async ValueTask<Unit> Handle(DeleteDistributorCommand command, CancellationToken cancellationToken)
    {
        _ = await distributors.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Distributor");
        await contents.EnsureEmptyAsync(TenantType.Distributor, command.Id, cancellationToken);
        audit.Changing(await distributors.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
