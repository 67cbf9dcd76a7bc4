using EvaraTech.Infrastructure.Migrations;
using EvaraTech.Modules.Nodes.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// A database created for one test run on the real local PostgreSQL (./build.sh setup starts it), dropped at
/// the end. The admin login migrates; the application login (never superuser) serves requests.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string DefaultAdmin = "Host=127.0.0.1;Port=55432;Database=postgres;Username=evara;Password=evara-local-admin";

    private TestDatabase(string name, string adminConnectionString, string appConnectionString)
    {
        Name = name;
        AdminConnectionString = adminConnectionString;
        AppConnectionString = appConnectionString;
    }

    public string Name { get; }

    public string AdminConnectionString { get; }

    public string AppConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync(string purpose)
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("EVARA_TEST_POSTGRES_ADMIN") ?? DefaultAdmin);
        var name = $"evaratech_test_{purpose}_{Guid.NewGuid():N}"[..48];

        server.Database = "postgres";
        await using (var connection = new NpgsqlConnection(server.ConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var admin = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name };
        var app = new NpgsqlConnectionStringBuilder(server.ConnectionString)
        {
            Database = name,
            Username = Environment.GetEnvironmentVariable("EVARA_TEST_POSTGRES_APP_USER") ?? "evara_app",
            Password = Environment.GetEnvironmentVariable("EVARA_TEST_POSTGRES_APP_PASSWORD") ?? "evara-local-app",
        };
        return new TestDatabase(name, admin.ConnectionString, app.ConnectionString);
    }

    /// <summary>A new database with every migration applied, for tests that arrange their own data set.</summary>
    public static async Task<TestDatabase> CreateMigratedAsync(string purpose)
    {
        var database = await CreateAsync(purpose);
        MigrationRunner.Run(database.AdminConnectionString, Path.Combine(AppContext.BaseDirectory, "db", "migrations"), NullLogger.Instance,
            [new SealChannelKeys(TestData.TestChannelKeys.Protection)]);
        return database;
    }

    /// <summary>Runs SQL as the owner, for arranging data and inspecting what the API stored.</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (parameterName, value) in parameters)
        {
            command.Parameters.AddWithValue(parameterName, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) => ScalarAsync<object>(sql, parameters);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var server = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres" };
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
