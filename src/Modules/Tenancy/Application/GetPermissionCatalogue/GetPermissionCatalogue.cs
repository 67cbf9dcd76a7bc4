namespace EvaraTech.Modules.Tenancy.Application.GetPermissionCatalogue;

/// <summary>Every permission, and what each role is granted (the catalogue in <c>Application/Security/Permissions.cs</c>).</summary>
public sealed record PermissionCatalogue(IReadOnlyList<string> Permissions, IReadOnlyDictionary<string, IReadOnlyList<string>> Roles);

/// <summary><c>GET /reference/permissions</c>: public reference data, the same for everyone (cacheable for an hour).</summary>
[Anonymous]
public sealed record GetPermissionCatalogueQuery : IQuery<PermissionCatalogue>;

public sealed class GetPermissionCatalogueHandler : IQueryHandler<GetPermissionCatalogueQuery, PermissionCatalogue>
{
    public ValueTask<PermissionCatalogue> Handle(GetPermissionCatalogueQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new PermissionCatalogue(
            [.. Permissions.Granted[Role.Superadmin].Order(StringComparer.Ordinal)],
            Permissions.Granted.ToDictionary(r => r.Key.ToString().ToLowerInvariant(), r => (IReadOnlyList<string>)[.. r.Value.Order(StringComparer.Ordinal)])));
}
