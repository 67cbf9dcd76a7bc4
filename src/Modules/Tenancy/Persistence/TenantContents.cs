using Dapper;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>
/// What a tenant still owns, asked before it is deleted: a tenant that owns communities, customers, users or nodes is
/// refused with 409 <c>TENANT_NOT_EMPTY</c> naming how many of each (the foreign keys would refuse it too, but could not
/// say what). A row added between this count and the delete still trips the key: a plain 409 then.
/// </summary>
public sealed class TenantContents(DbSession db, INodeOwners nodes)
{
    public const string NotEmpty = "TENANT_NOT_EMPTY";

    private const string OfDistributor = """
        SELECT (SELECT count(*)::int FROM tenancy.communities WHERE distributor_id = @Id) AS Communities,
               (SELECT count(*)::int FROM tenancy.customers WHERE distributor_id = @Id) AS Customers,
               (SELECT count(*)::int FROM tenancy.users_profiles WHERE distributor_id = @Id) AS Users
        """;

    private const string OfCommunity = """
        SELECT 0 AS Communities, (SELECT count(*)::int FROM tenancy.customers WHERE community_id = @Id) AS Customers, 0 AS Users
        """;

    private const string OfCustomer = """
        SELECT 0 AS Communities, 0 AS Customers, (SELECT count(*)::int FROM tenancy.users_profiles WHERE customer_id = @Id) AS Users
        """;

    /// <exception cref="AppException">409 naming what the tenant still owns</exception>
    public async Task EnsureEmptyAsync(TenantType type, Guid id, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var sql = type switch
        {
            TenantType.Distributor => OfDistributor,
            TenantType.Community => OfCommunity,
            _ => OfCustomer,
        };
        var owned = await connection.QuerySingleAsync<Owned>(new CommandDefinition(sql, new { Id = id }, db.Transaction, cancellationToken: cancellationToken));
        var parts = new[]
        {
            (owned.Communities, "community", "communities"),
            (owned.Customers, "customer", "customers"),
            (owned.Users, "user", "users"),
            (await nodes.NodesOwnedByAsync(type, id, cancellationToken), "node", "nodes"),
        }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1} {(p.Item1 == 1 ? p.Item2 : p.Item3)}").ToList();
        if (parts.Count > 0)
        {
            throw new AppException(ErrorKind.Conflict, NotEmpty,
                $"The {type.ToString().ToLowerInvariant()} still owns {string.Join(", ", parts)}: move or delete them first.");
        }
    }

    private sealed record Owned(int Communities, int Customers, int Users);
}
