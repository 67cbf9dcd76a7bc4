using Dapper;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>Runs a builder's statement as the owner: arranged data is written past row-level security, as a seed would be.</summary>
internal static class Rows
{
    public static async Task InsertAsync(TestDatabase database, string sql, object parameters)
    {
        await using var connection = await OpenAsync(database);
        await connection.ExecuteAsync(sql, parameters);
    }

    public static async Task<NpgsqlConnection> OpenAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
