using Dapper;
using EvaraTech.Domain;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// Where a table keeps a row's ownership path: the owning distributor's column, and the owning customer's column
/// (<c>NULL</c> for rows no customer owns).
/// </summary>
/// <param name="CustomerNarrowedByNode">
/// the table hangs off nodes and stores only their distributor: a customer caller is narrowed by row-level security
/// over the node it references, not by a column here
/// </param>
public sealed record Ownership(string DistributorColumn, string CustomerColumn, bool CustomerNarrowedByNode = false)
{
    /// <summary>Rows that reference a node and store the node's distributor as it was when they were written.</summary>
    public static Ownership NodeChild(string distributorColumn) => new(distributorColumn, "NULL", CustomerNarrowedByNode: true);
}

/// <summary>
/// The one way tenant scope reaches SQL: a predicate over a table's <see cref="Ownership"/> columns. Plain column
/// comparisons, so the planner can use the ownership indexes; row-level security applies the same rule
/// (<c>tenancy.in_scope</c>) as the backstop (docs/adr/0007-tenant-scope-in-sql-with-rls-backstop.md). A statement
/// marks where the predicate goes with <c>{scope}</c>.
/// </summary>
public static class ScopeFilter
{
    public const string Placeholder = "{scope}";

    public static string Sql(TenantScope scope, Ownership columns) => scope.Kind switch
    {
        ScopeKind.Everything => "TRUE",
        ScopeKind.Distributor => $"{columns.DistributorColumn} = @ScopeDistributorId",
        ScopeKind.Customer when columns.CustomerNarrowedByNode => "TRUE",
        ScopeKind.Customer => $"{columns.CustomerColumn} = @ScopeCustomerId",
        _ => "FALSE",
    };

    /// <returns><paramref name="sql"/> with its <c>{scope}</c> replaced by the predicate</returns>
    public static string Apply(string sql, TenantScope scope, Ownership columns) =>
        sql.Replace(Placeholder, Sql(scope, columns), StringComparison.Ordinal);

    /// <returns>the statement's values and the scope's parameters</returns>
    public static DynamicParameters Parameters(TenantScope scope, object? values = null)
    {
        var parameters = new DynamicParameters(values);
        parameters.Add("ScopeDistributorId", scope.DistributorId);
        parameters.Add("ScopeCustomerId", scope.CustomerId);
        return parameters;
    }

    /// <summary>A scoped statement with its parameters, in the session's transaction.</summary>
    public static CommandDefinition Command(DbSession db, string sql, TenantScope scope, Ownership columns, object? values, CancellationToken ct) =>
        new(Apply(sql, scope, columns), Parameters(scope, values), db.Transaction, cancellationToken: ct);
}
