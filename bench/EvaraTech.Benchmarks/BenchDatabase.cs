using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>A throw-away database on the local PostgreSQL for one benchmark run.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _server;

    private BenchDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name };
        AdminConnectionString = builder.ConnectionString;
        builder.Username = Environment.GetEnvironmentVariable("EVARA_PG_APP_USER") ?? "evara_app";
        builder.Password = Environment.GetEnvironmentVariable("EVARA_PG_APP_PASSWORD") ?? "evara-local-app";
        AppConnectionString = builder.ConnectionString;
    }

    public string Name { get; }

    public string AdminConnectionString { get; }

    public string AppConnectionString { get; }

    public static async Task<BenchDatabase> CreateAsync()
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("EVARA_BENCH_POSTGRES_ADMIN")
            ?? "Host=127.0.0.1;Port=55432;Username=evara;Password=evara-local-admin") { Database = "postgres" }.ConnectionString;
        var name = $"evaratech_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await create.ExecuteNonQueryAsync();
        return new BenchDatabase(server, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
