using Dapper;
using EvaraTech.Application.Tenants;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;

namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>Answers <see cref="ITenantDirectory"/> from the tenancy tables, in the request's transaction and scope.</summary>
public sealed class TenantDirectory(DbSession db) : ITenantDirectory
{
    private const string FindDistributor = """
        SELECT t.id AS DistributorId, NULL::uuid AS CommunityId, NULL::uuid AS CustomerId
        FROM tenancy.distributors t WHERE t.id = @Id AND {0}
        """;

    private const string FindCommunity = """
        SELECT t.distributor_id AS DistributorId, t.id AS CommunityId, NULL::uuid AS CustomerId
        FROM tenancy.communities t WHERE t.id = @Id AND {0}
        """;

    private const string FindCustomer = """
        SELECT t.distributor_id AS DistributorId, t.community_id AS CommunityId, t.id AS CustomerId
        FROM tenancy.customers t WHERE t.id = @Id AND {0}
        """;

    public async Task<TenantPath?> FindAsync(TenantType type, Guid tenantId, TenantScope scope, CancellationToken cancellationToken)
    {
        var (sql, spec) = type switch
        {
            TenantType.Distributor => (FindDistributor, TenancyTables.Distributors),
            TenantType.Community => (FindCommunity, TenancyTables.Communities),
            _ => (FindCustomer, TenancyTables.Customers),
        };
        var parameters = new DynamicParameters(new { Id = tenantId });
        ScopeFilter.AddParameters(parameters, scope);
        var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, sql,
            ScopeFilter.Sql(scope, spec.DistributorColumn, spec.CustomerColumn));

        var row = await (await db.ConnectionAsync(cancellationToken)).QuerySingleOrDefaultAsync<PathRow>(
            new CommandDefinition(text, parameters, db.Transaction, cancellationToken: cancellationToken));
        return row is null ? null : new TenantPath(type, tenantId, row.DistributorId, row.CommunityId, row.CustomerId);
    }

    private sealed record PathRow(Guid DistributorId, Guid? CommunityId, Guid? CustomerId);
}
