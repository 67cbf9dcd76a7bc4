using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.UpdateCustomer;

[RequiresPermission(Permissions.TenantsWrite)]
[Audited(AuditAction.Update, "customer")]
public sealed record UpdateCustomerCommand(Guid Id, long ExpectedVersion, string? Name, string? ContactEmail, bool IsActive) : ICommand<CustomerDto>;

public sealed class UpdateCustomerValidator : AbstractValidator<UpdateCustomerCommand>
{
    public UpdateCustomerValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(200);
        RuleFor(c => c.ContactEmail).EmailAddress().MaximumLength(320);
    }
}

public sealed class UpdateCustomerHandler(ScopedTable<CustomerDto> customers, ICurrentUser user, AuditContext audit)
    : ICommandHandler<UpdateCustomerCommand, CustomerDto>
{
    public async ValueTask<CustomerDto> Handle(UpdateCustomerCommand command, CancellationToken cancellationToken)
    {
        var row = await customers.FindAsync(command.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Customer");
        audit.Changing(row);
        var customer = new Customer(row.Id, command.ExpectedVersion, row.CommunityId, row.DistributorId, row.Name, row.ContactEmail, row.IsActive);
        customer.Change(command.Name!, command.ContactEmail, command.IsActive);

        var updated = await customers.UpdateAsync(customer.Id, customer.Version, "name = @Name, contact_email = @ContactEmail, is_active = @IsActive",
            new { customer.Name, customer.ContactEmail, customer.IsActive }, user.Scope, cancellationToken);
        return updated;
    }
}
