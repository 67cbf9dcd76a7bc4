using Dapper;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// The caller's scope over nodes (alias <c>n</c>): <see cref="ScopeFilter"/> over a node's ownership path. Statements
/// mark where the predicate goes with <c>{scope}</c>.
/// </summary>
internal static class NodeScope
{
    public static string Predicate(TenantScope scope) => ScopeFilter.Sql(scope, "n.owner_distributor_id", "n.customer_id");

    public static string Apply(string sql, TenantScope scope) => sql.Replace("{scope}", Predicate(scope), StringComparison.Ordinal);

    public static DynamicParameters Parameters(TenantScope scope, object values)
    {
        var parameters = new DynamicParameters(values);
        ScopeFilter.AddParameters(parameters, scope);
        return parameters;
    }

    /// <summary>A scoped statement with its parameters, in the request's transaction.</summary>
    public static CommandDefinition Command(DbSession db, string sql, TenantScope scope, object values, CancellationToken ct) =>
        new(Apply(sql, scope), Parameters(scope, values), db.Transaction, cancellationToken: ct);
}
