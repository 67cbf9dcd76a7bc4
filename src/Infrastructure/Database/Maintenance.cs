using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// Statements of the maintenance (owner) role: partition upkeep and rollup refreshes, which the application's role
/// may not run. One short-lived connection per call, outside any request.
/// </summary>
public static class Maintenance
{
    public static async Task<IReadOnlyList<T>> QueryAsync<T>(IConfiguration configuration, string sql, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStrings.Migrations(configuration));
        await connection.OpenAsync(cancellationToken);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))];
    }
}
