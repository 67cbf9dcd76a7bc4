using Microsoft.Extensions.Configuration;

namespace EvaraTech.Infrastructure.Database;

/// <summary>The connection strings the platform reads, in one place so the names stay consistent.</summary>
public static class ConnectionStrings
{
    /// <summary>The application's connection (environment: <c>ConnectionStrings__Postgres</c>).</summary>
    public static string Postgres(IConfiguration configuration) =>
        configuration.GetConnectionString("Postgres")
        ?? throw new InvalidOperationException(
            "ConnectionStrings:Postgres is not configured (environment variable ConnectionStrings__Postgres).");

    /// <summary>
    /// The owner's connection used for migrations and maintenance (<c>ConnectionStrings__PostgresAdmin</c>);
    /// falls back to the application's connection.
    /// </summary>
    public static string Migrations(IConfiguration configuration) =>
        configuration.GetConnectionString("PostgresAdmin") is { Length: > 0 } admin ? admin : Postgres(configuration);

    /// <summary>Redis is optional: without it caching is local and SignalR has no backplane.</summary>
    public static string? Redis(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } redis ? redis : null;
}
