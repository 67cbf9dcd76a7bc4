using Dapper;
using EvaraTech.Domain;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// The tenant-scope predicate every module's SQL uses, over a table's ownership path columns. Plain column
/// comparisons, so the planner can use the <c>distributor_id</c> / <c>customer_id</c> indexes; row-level security
/// applies the same rule (<c>tenancy.in_scope</c>) as the backstop (docs/adr/0007-tenant-scope-in-sql-with-rls-backstop.md).
/// </summary>
public static class ScopeFilter
{
    /// <param name="distributorColumn">the row's owning distributor, e.g. <c>c.distributor_id</c></param>
    /// <param name="customerColumn">the row's owning customer, or <c>NULL</c> for rows no customer owns</param>
    public static string Sql(TenantScope scope, string distributorColumn, string customerColumn) => scope.Kind switch
    {
        ScopeKind.Everything => "TRUE",
        ScopeKind.Distributor => $"{distributorColumn} = @ScopeDistributorId",
        ScopeKind.Customer => $"{customerColumn} = @ScopeCustomerId",
        _ => "FALSE",
    };

    public static void AddParameters(DynamicParameters parameters, TenantScope scope)
    {
        parameters.Add("ScopeDistributorId", scope.DistributorId);
        parameters.Add("ScopeCustomerId", scope.CustomerId);
    }
}
