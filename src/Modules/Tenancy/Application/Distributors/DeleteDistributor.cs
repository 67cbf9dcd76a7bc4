using EvaraTech.Application.Auditing;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Tenancy.Persistence;
using Mediator;

namespace EvaraTech.Modules.Tenancy.Application.Distributors;

[RequiresPermission(Permissions.TenantsDelete)]
public sealed record DeleteDistributorCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteDistributorHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteDistributorCommand>
{
    public async ValueTask<Unit> Handle(DeleteDistributorCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await distributors.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
