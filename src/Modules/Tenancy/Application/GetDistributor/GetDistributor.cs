using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.GetDistributor;

[RequiresPermission(Permissions.TenantsRead)]
public sealed record GetDistributorQuery(Guid Id) : IQuery<DistributorDto>;

public sealed class GetDistributorHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user) : IQueryHandler<GetDistributorQuery, DistributorDto>
{
    public async ValueTask<DistributorDto> Handle(GetDistributorQuery query, CancellationToken cancellationToken) =>
        await distributors.FindAsync(query.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Distributor");
}
