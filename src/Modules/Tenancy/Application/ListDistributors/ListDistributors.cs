using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.ListDistributors;

[RequiresPermission(Permissions.TenantsRead)]
public sealed record ListDistributorsQuery(PageRequest Paging, string? Search, string? Sort) : IQuery<Page<DistributorDto>>;

public sealed class ListDistributorsValidator : AbstractValidator<ListDistributorsQuery>
{
    public ListDistributorsValidator()
    {
        this.ValidPaging(q => q.Paging);
        this.ValidSort(q => q.Sort, [.. TenancyTables.Distributors.SortColumns.Keys]);
        RuleFor(q => q.Search).MaximumLength(100);
    }
}

public sealed class ListDistributorsHandler(ScopedTable<DistributorDto> distributors, ICurrentUser user)
    : IQueryHandler<ListDistributorsQuery, Page<DistributorDto>>
{
    public async ValueTask<Page<DistributorDto>> Handle(ListDistributorsQuery query, CancellationToken cancellationToken) =>
        await distributors.ListAsync(user.Scope, null, null, query.Search, query.Sort, query.Paging, cancellationToken);
}
