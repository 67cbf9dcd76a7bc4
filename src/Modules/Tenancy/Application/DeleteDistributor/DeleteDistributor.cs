using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteDistributor;

[RequiresPermission(Permissions.TenantsDelete)]
[Audited(AuditAction.Delete, "distributor")]
public sealed record DeleteDistributorCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteDistributorHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteDistributorCommand>
{
    public async ValueTask<Unit> Handle(DeleteDistributorCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await distributors.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
