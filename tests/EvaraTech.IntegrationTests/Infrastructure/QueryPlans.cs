using System.Text.Json.Nodes;
using Dapper;
using EvaraTech.Domain;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>What the plan tests share: running as the application does, and reading EXPLAIN (FORMAT JSON).</summary>
public static class QueryPlans
{
    /// <summary>Runs <paramref name="work"/> as the application does: app login, one transaction, the caller's context.</summary>
    public static async Task<T> InContextAsync<T>(TestDatabase database, TenantScope scope, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work)
    {
        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await SetContextAsync(connection, transaction, scope);
        var result = await work(connection, transaction);
        await transaction.RollbackAsync();
        return result;
    }

    /// <summary>The caller's context in the open transaction, as <c>DbSession</c> sets it for a user of <paramref name="scope"/>.</summary>
    public static Task SetContextAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TenantScope scope) =>
        connection.ExecuteAsync("SELECT tenancy.set_user_context(@User, @Role, @DistributorId, @CustomerId)", new
        {
            User = Guid.NewGuid(),
            Role = scope.Kind switch { ScopeKind.Everything => "superadmin", ScopeKind.Customer => "customer", _ => "distributor" },
            scope.DistributorId,
            scope.CustomerId,
        }, transaction);

    /// <returns>the plan of one statement with its parameters</returns>
    public static async Task<JsonNode> ExplainAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string statement, object? parameters)
    {
        var json = await connection.QuerySingleAsync<string>(new CommandDefinition("EXPLAIN (FORMAT JSON) " + statement, parameters, transaction));
        return JsonNode.Parse(json)![0]!["Plan"]!;
    }

    public static IEnumerable<JsonNode> Walk(JsonNode plan) =>
        plan["Plans"] is JsonArray children ? [plan, .. children.OfType<JsonNode>().SelectMany(Walk)] : [plan];

    /// <summary>The nodes of the plan that run once per execution: its correlated subplans (run per outer row) left out.</summary>
    public static IEnumerable<JsonNode> WalkOnce(JsonNode plan) =>
        plan["Plans"] is JsonArray children
            ? [plan, .. children.OfType<JsonNode>().Where(child => Text(child, "Parent Relationship") != "SubPlan").SelectMany(WalkOnce)]
            : [plan];

    public static string? Text(JsonNode node, string property) => node[property]?.GetValue<string>();
}
