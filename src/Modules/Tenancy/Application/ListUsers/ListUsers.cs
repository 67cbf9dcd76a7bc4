using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.ListUsers;

[RequiresPermission(Permissions.UsersRead)]
public sealed record ListUsersQuery(PageRequest Paging, string? Role, string? Search, string? Sort) : IQuery<Page<UserDto>>;

public sealed class ListUsersValidator : AbstractValidator<ListUsersQuery>
{
    public ListUsersValidator()
    {
        this.ValidPaging(q => q.Paging);
        this.ValidSort(q => q.Sort, [.. TenancyTables.Users.SortColumns.Keys]);
        RuleFor(q => q.Search).MaximumLength(100);
        RuleFor(q => q.Role).Must(r => r is null || Enum.TryParse<Role>(r, ignoreCase: true, out _))
            .WithMessage("role must be superadmin, distributor or customer.");
    }
}

public sealed class ListUsersHandler(ScopedTable<UserDto> users, ICurrentUser user) : IQueryHandler<ListUsersQuery, Page<UserDto>>
{
    public async ValueTask<Page<UserDto>> Handle(ListUsersQuery query, CancellationToken cancellationToken) =>
        await users.ListAsync(user.Scope,
            query.Role is null ? null : "t.role = @Role", new { Role = query.Role?.ToLowerInvariant() },
            query.Search, query.Sort, query.Paging, cancellationToken);
}
