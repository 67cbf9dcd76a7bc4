using EvaraTech.Application.Auditing;
using EvaraTech.Application.Errors;
using EvaraTech.Application.Security;
using EvaraTech.Modules.Tenancy.Persistence;
using Mediator;

namespace EvaraTech.Modules.Tenancy.Application.Distributors;

[RequiresPermission(Permissions.TenantsDelete)]
public sealed record DeleteDistributorCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteDistributorHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteDistributorCommand>
{
    public async ValueTask<Unit> Handle(DeleteDistributorCommand command, CancellationToken cancellationToken)
    {
        var row = await distributors.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Distributor");
        audit.Changing(row, row.Id);
        await distributors.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken);
        return Unit.Value;
    }
}
