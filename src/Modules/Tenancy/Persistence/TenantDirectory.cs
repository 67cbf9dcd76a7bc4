using Dapper;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>Answers <see cref="ITenantDirectory"/> from the tenancy tables, in the request's transaction and scope.</summary>
public sealed class TenantDirectory(DbSession db) : ITenantDirectory
{
    // {scope} is the scope predicate over the alias t; FindAsync narrows it to one id, ListAsync orders it.
    private const string SelectDistributors = """
        SELECT t.id AS TenantId, t.id AS DistributorId, NULL::uuid AS CommunityId, NULL::uuid AS CustomerId
        FROM tenancy.distributors t WHERE {scope}
        """;

    private const string SelectCommunities = """
        SELECT t.id AS TenantId, t.distributor_id AS DistributorId, t.id AS CommunityId, NULL::uuid AS CustomerId
        FROM tenancy.communities t WHERE {scope}
        """;

    private const string SelectCustomers = """
        SELECT t.id AS TenantId, t.distributor_id AS DistributorId, t.community_id AS CommunityId, t.id AS CustomerId
        FROM tenancy.customers t WHERE {scope}
        """;

    private const string ById = " AND t.id = @Id";

    private const string ActiveProfiles = """
        SELECT id, email, display_name AS DisplayName, role, plan, distributor_id AS DistributorId, customer_id AS CustomerId, is_active AS IsActive
        FROM tenancy.users_profiles
        WHERE is_active
        """;

    // Who sees a node owned along a path: superadmins, the distributor's users, the customer's users.
    private const string Audience = ActiveProfiles + "\n" + """
          AND (role = 'superadmin'
               OR (role = 'distributor' AND distributor_id = @DistributorId)
               OR (role = 'customer' AND customer_id = @CustomerId))
        """;

    private const string ActiveUsers = ActiveProfiles + " AND id = ANY(@Ids)";

    private const string InIdOrder = " ORDER BY t.id";

    private const string UserEmail = """
        SELECT EXISTS (SELECT 1 FROM tenancy.users_profiles t WHERE t.is_active AND lower(t.email) = lower(@Email) AND {scope})
        """;

    public async Task<TenantPath?> FindAsync(TenantType type, Guid tenantId, TenantScope scope, CancellationToken cancellationToken)
    {
        var (sql, parameters) = Scoped(type, scope);
        parameters.Add("Id", tenantId);

        var row = await (await db.ConnectionAsync(cancellationToken)).QuerySingleOrDefaultAsync<PathRow>(
            new CommandDefinition(sql + ById, parameters, db.Transaction, cancellationToken: cancellationToken));
        return row?.ToPath(type);
    }

    public async Task<IReadOnlyList<TenantPath>> ListAsync(TenantType type, TenantScope scope, CancellationToken cancellationToken)
    {
        var (sql, parameters) = Scoped(type, scope);

        var rows = await (await db.ConnectionAsync(cancellationToken)).QueryAsync<PathRow>(
            new CommandDefinition(sql + InIdOrder, parameters, db.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToPath(type))];
    }

    public async Task<bool> IsUserEmailAsync(string email, TenantScope scope, CancellationToken cancellationToken)
    {
        var parameters = ScopeFilter.Parameters(scope);
        parameters.Add("Email", email);
        return await (await db.ConnectionAsync(cancellationToken)).ExecuteScalarAsync<bool>(new CommandDefinition(
            ScopeFilter.Apply(UserEmail, scope, TenancyTables.Users.Ownership), parameters, db.Transaction, cancellationToken: cancellationToken));
    }

    public Task<IReadOnlyList<Recipient>> AudienceAsync(Guid distributorId, Guid? customerId, CancellationToken cancellationToken) =>
        RecipientsOfAsync(Audience, new { DistributorId = distributorId, CustomerId = customerId }, cancellationToken);

    public async Task<IReadOnlyList<Recipient>> RecipientsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        return await RecipientsOfAsync(ActiveUsers, new { Ids = userIds.ToArray() }, cancellationToken);
    }

    private async Task<IReadOnlyList<Recipient>> RecipientsOfAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        var rows = await (await db.ConnectionAsync(cancellationToken)).QueryAsync<UserProfileLookup.ProfileRow>(
            new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.ToProfile()).Select(p => new Recipient(p.Id, p.Email, p.Scope))];
    }

    /// <summary>The level's SELECT under the caller's scope, with the scope's parameters.</summary>
    private static (string Sql, DynamicParameters Parameters) Scoped(TenantType type, TenantScope scope)
    {
        var (sql, spec) = type switch
        {
            TenantType.Distributor => (SelectDistributors, TenancyTables.Distributors),
            TenantType.Community => (SelectCommunities, TenancyTables.Communities),
            _ => (SelectCustomers, TenancyTables.Customers),
        };
        return (ScopeFilter.Apply(sql, scope, spec.Ownership), ScopeFilter.Parameters(scope));
    }

    private sealed record PathRow(Guid TenantId, Guid DistributorId, Guid? CommunityId, Guid? CustomerId)
    {
        public TenantPath ToPath(TenantType type) => new(type, TenantId, DistributorId, CommunityId, CustomerId);
    }
}
