using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.GetUser;

[RequiresPermission(Permissions.UsersRead)]
public sealed record GetUserQuery(Guid Id) : IQuery<UserDto>;

public sealed class GetUserHandler(ScopedTable<UserDto> users, ICurrentUser user) : IQueryHandler<GetUserQuery, UserDto>
{
    public async ValueTask<UserDto> Handle(GetUserQuery query, CancellationToken cancellationToken) =>
        await users.FindAsync(query.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound("User");
}
