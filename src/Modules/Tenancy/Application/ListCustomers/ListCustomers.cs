using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.ListCustomers;

[RequiresPermission(Permissions.TenantsRead)]
public sealed record ListCustomersQuery(PageRequest Paging, Guid? CommunityId, string? Search, string? Sort) : IQuery<Page<CustomerDto>>;

public sealed class ListCustomersValidator : AbstractValidator<ListCustomersQuery>
{
    public ListCustomersValidator()
    {
        this.ValidPaging(q => q.Paging);
        this.ValidSort(q => q.Sort, [.. TenancyTables.Customers.SortColumns.Keys]);
        RuleFor(q => q.Search).MaximumLength(100);
    }
}

public sealed class ListCustomersHandler(ScopedTable<CustomerDto> customers, ICurrentUser user)
    : IQueryHandler<ListCustomersQuery, Page<CustomerDto>>
{
    public async ValueTask<Page<CustomerDto>> Handle(ListCustomersQuery query, CancellationToken cancellationToken) =>
        await customers.ListAsync(user.Scope,
            query.CommunityId is null ? null : "t.community_id = @CommunityId", new { query.CommunityId },
            query.Search, query.Sort, query.Paging, cancellationToken);
}
