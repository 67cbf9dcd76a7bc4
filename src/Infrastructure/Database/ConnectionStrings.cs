using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>The connection strings the platform reads, in one place so the names stay consistent.</summary>
public static class ConnectionStrings
{
    /// <summary>The application's connection (environment: <c>ConnectionStrings__Postgres</c>).</summary>
    public static string Postgres(IConfiguration configuration) => WithoutJit(
        configuration.GetConnectionString("Postgres")
        ?? throw new InvalidOperationException(
            "ConnectionStrings:Postgres is not configured (environment variable ConnectionStrings__Postgres)."));

    /// <summary>
    /// The owner's connection used for migrations and maintenance (<c>ConnectionStrings__PostgresAdmin</c>);
    /// falls back to the application's connection.
    /// </summary>
    public static string Migrations(IConfiguration configuration) =>
        configuration.GetConnectionString("PostgresAdmin") is { Length: > 0 } admin ? WithoutJit(admin) : Postgres(configuration);

    /// <summary>
    /// JIT off unless the connection string sets its own options: the platform's statements are short and run over
    /// many partitions, where JIT compilation costs seconds (a 27 ms telemetry write took 3.3 s with it).
    /// </summary>
    private static string WithoutJit(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Options))
        {
            builder.Options = "-c jit=off";
        }

        return builder.ConnectionString;
    }

    /// <summary>Redis is optional: without it caching is local and SignalR has no backplane.</summary>
    public static string? Redis(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } redis ? redis : null;
}
