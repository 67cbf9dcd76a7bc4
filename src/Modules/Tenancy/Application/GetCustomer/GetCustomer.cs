using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.GetCustomer;

[RequiresPermission(Permissions.TenantsRead)]
public sealed record GetCustomerQuery(Guid Id) : IQuery<CustomerDto>;

public sealed class GetCustomerHandler(ScopedTable<CustomerDto> customers, ICurrentUser user) : IQueryHandler<GetCustomerQuery, CustomerDto>
{
    public async ValueTask<CustomerDto> Handle(GetCustomerQuery query, CancellationToken cancellationToken) =>
        await customers.FindAsync(query.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Customer");
}
