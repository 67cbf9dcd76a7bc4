using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application;

/// <summary>
/// Where a user belongs, resolved from the database: a customer user's distributor is always its customer's,
/// and both parents must be visible to the caller.
/// </summary>
public sealed class UserPlacement(ScopedTable<DistributorDto> distributors, ScopedTable<CustomerDto> customers, ICurrentUser user)
{
    public async Task<(Guid? DistributorId, Guid? CustomerId)> ResolveAsync(Role role, Guid? distributorId, Guid? customerId, CancellationToken ct)
    {
        if (role == Role.Customer && customerId is { } customer)
        {
            var row = await customers.FindAsync(customer, user.Scope, ct)
                ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Customer was not found.", "customerId");
            return (row.DistributorId, row.Id);
        }

        if (role == Role.Distributor && distributorId is { } distributor)
        {
            _ = await distributors.FindAsync(distributor, user.Scope, ct)
                ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Distributor was not found.", "distributorId");
        }

        return (distributorId, customerId);
    }
}
