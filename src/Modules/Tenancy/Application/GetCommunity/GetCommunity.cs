using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.GetCommunity;

[RequiresPermission(Permissions.TenantsRead)]
public sealed record GetCommunityQuery(Guid Id) : IQuery<CommunityDto>;

public sealed class GetCommunityHandler(ScopedTable<CommunityDto> communities, ICurrentUser user) : IQueryHandler<GetCommunityQuery, CommunityDto>
{
    public async ValueTask<CommunityDto> Handle(GetCommunityQuery query, CancellationToken cancellationToken) =>
        await communities.FindAsync(query.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("Community");
}
