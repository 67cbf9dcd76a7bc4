using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.DeleteCustomer;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Delete, "customer")]
public sealed record DeleteCustomerCommand(Guid Id, long ExpectedVersion) : ICommand;

/// <summary>Deletes an empty customer at the version the client read; one that still owns anything is refused, naming what (409).</summary>
public sealed class DeleteCustomerHandler(ScopedTable<CustomerDto> customers, TenantContents contents, ICurrentUser user, AuditContext audit)
    : ICommandHandler<DeleteCustomerCommand>
{
    public async ValueTask<Unit> Handle(DeleteCustomerCommand command, CancellationToken cancellationToken)
    {
        _ = await customers.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Customer");
        await contents.EnsureEmptyAsync(TenantType.Customer, command.Id, cancellationToken);
        audit.Changing(await customers.DeleteAsync(command.Id, command.ExpectedVersion, user.Scope, cancellationToken));
        return Unit.Value;
    }
}
