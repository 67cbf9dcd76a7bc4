using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.ListCommunities;

[RequiresPermission(Permissions.TenantsRead)]
public sealed record ListCommunitiesQuery(PageRequest Paging, Guid? DistributorId, string? Search, string? Sort) : IQuery<Page<CommunityDto>>;

public sealed class ListCommunitiesValidator : AbstractValidator<ListCommunitiesQuery>
{
    public ListCommunitiesValidator()
    {
        this.ValidPaging(q => q.Paging);
        this.ValidSort(q => q.Sort, [.. TenancyTables.Communities.SortColumns.Keys]);
        RuleFor(q => q.Search).MaximumLength(100);
    }
}

public sealed class ListCommunitiesHandler(ScopedTable<CommunityDto> communities, ICurrentUser user)
    : IQueryHandler<ListCommunitiesQuery, Page<CommunityDto>>
{
    public async ValueTask<Page<CommunityDto>> Handle(ListCommunitiesQuery query, CancellationToken cancellationToken) =>
        await communities.ListAsync(user.Scope,
            query.DistributorId is null ? null : "t.distributor_id = @DistributorId", new { query.DistributorId },
            query.Search, query.Sort, query.Paging, cancellationToken);
}
