using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteCustomer;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Delete, "customer")]
public sealed record DeleteCustomerCommand(Guid Id, long ExpectedVersion) : ICommand;

public sealed class DeleteCustomerHandler(ScopedTable<CustomerDto> customers, ICurrentUser user, AuditContext audit) : ICommandHandler<DeleteCustomerCommand>
{
    public async ValueTask<Unit> Handle(DeleteCustomerCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await customers.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
