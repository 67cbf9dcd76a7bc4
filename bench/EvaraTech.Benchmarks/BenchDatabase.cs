using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>A database on the local PostgreSQL: a throw-away one per benchmark run, or a named one recreated.</summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string _server;

    private BenchDatabase(string server, string name)
    {
        _server = server;
        Name = name;
        // JIT off, as on the platform's own connections (ConnectionStrings).
        var builder = new NpgsqlConnectionStringBuilder(server) { Database = name, Options = "-c jit=off" };
        AdminConnectionString = builder.ConnectionString;
        builder.Username = Environment.GetEnvironmentVariable("EVARA_PG_APP_USER") ?? "evara_app";
        builder.Password = Environment.GetEnvironmentVariable("EVARA_PG_APP_PASSWORD") ?? "evara-local-app";
        AppConnectionString = builder.ConnectionString;
    }

    public string Name { get; }

    public string AdminConnectionString { get; }

    public string AppConnectionString { get; }

    /// <summary>
    /// The API process's settings on this database, as <c>./build.sh run</c> gives them (the local Redis), polling
    /// <paramref name="thingSpeakBaseUrl"/>; no demo data (its tenants and nodes would add their back-fill to the figures).
    /// </summary>
    public Dictionary<string, string> PlatformSettings(string thingSpeakBaseUrl) => new()
    {
        ["ConnectionStrings__Postgres"] = AppConnectionString,
        ["ConnectionStrings__PostgresAdmin"] = AdminConnectionString,
        ["ConnectionStrings__Redis"] = Environment.GetEnvironmentVariable("EVARA_BENCH_REDIS") ?? "127.0.0.1:56379",
        ["ThingSpeak__BaseUrl"] = thingSpeakBaseUrl,
        ["Demo__Seed"] = "false",
    };

    /// <summary>An existing database, kept as it is.</summary>
    public static BenchDatabase Existing(string name) => new(Server, name);

    private static string Server => new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("EVARA_BENCH_POSTGRES_ADMIN")
        ?? "Host=127.0.0.1;Port=55432;Username=evara;Password=evara-local-admin") { Database = "postgres" }.ConnectionString;

    /// <summary>Creates <paramref name="name"/> (default: a new timestamped name), dropping an existing one first.</summary>
    public static async Task<BenchDatabase> CreateAsync(string? name = null)
    {
        var server = Server;
        name ??= $"evaratech_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
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
