using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace EvaraTech.Infrastructure.Database;

/// <summary>The connection strings the platform reads, in one place so the names stay consistent.</summary>
public static class ConnectionStrings
{
    /// <summary>The application's connection (environment: <c>ConnectionStrings__Postgres</c>).</summary>
    public static string Postgres(IConfiguration configuration) => ForRequests(WithoutJit(
        configuration.GetConnectionString("Postgres")
        ?? throw new InvalidOperationException(
            "ConnectionStrings:Postgres is not configured (environment variable ConnectionStrings__Postgres).")));

    /// <summary>
    /// The owner's connection used for migrations and maintenance (<c>ConnectionStrings__PostgresAdmin</c>);
    /// falls back to the application's connection.
    /// </summary>
    public static string Migrations(IConfiguration configuration) =>
        configuration.GetConnectionString("PostgresAdmin") is { Length: > 0 } admin ? WithoutJit(admin) : Postgres(configuration);

    /// <summary>
    /// JIT off unless the connection string sets its own options: the platform's statements are short and run over
    /// many partitions, where JIT compilation costs far more than the statement itself (docs/PERFORMANCE.md, Telemetry).
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

    /// <summary>The pool's size unless the connection string sets one: ten connections per core, twenty at least.</summary>
    public static int DefaultMaxPoolSize => Math.Max(20, 10 * Environment.ProcessorCount);

    /// <summary>
    /// Pool settings for many short transactions (measured under the load test; docs/adr/0008-request-path-connections.md), unless the connection string sets its own:
    /// <list type="bullet">
    /// <item>statements the platform repeats are prepared on their connection after two uses (<c>Max Auto Prepare</c>), so
    /// PostgreSQL stops planning them per request (planning a short read can cost many times its execution);</item>
    /// <item>a connection going back to the pool is not reset with <c>DISCARD ALL</c> (a round trip per connection per
    /// request, and it would drop those prepared statements): the platform keeps no session state. The caller's context
    /// is transaction-local, temporary tables hold rows only until the commit (<c>ON COMMIT DELETE ROWS</c> or
    /// <c>DROP</c>), advisory locks are transaction-scoped, and an open transaction is still rolled back when its
    /// connection returns.</item>
    /// <item>at most ten connections per core (twenty at least): Npgsql hands idle connections out first in, first out,
    /// so every connection of a pool that once grew takes its share of the requests, and each PostgreSQL backend
    /// plans and prepares the statements again for itself. A pool of 100 on two cores doubled PostgreSQL's CPU per
    /// request and the load test's p95s against one of 20. Nothing holds a connection while it waits for another
    /// (<see cref="DbSession"/>, the outbox), so a full pool makes requests queue, never wait on each other.</item>
    /// </list>
    /// </summary>
    private static string ForRequests(string connectionString)
    {
        // Npgsql's own builder answers ContainsKey for every keyword it knows; the plain one only for those given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        bool Sets(string keyword) => given.ContainsKey(keyword) || given.ContainsKey(keyword.Replace(" ", "", StringComparison.Ordinal));

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!Sets("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 256;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Sets("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        if (!Sets("Maximum Pool Size"))
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return builder.ConnectionString;
    }

    /// <summary>Redis is optional: without it caching is local and SignalR has no backplane.</summary>
    public static string? Redis(IConfiguration configuration) =>
        configuration.GetConnectionString("Redis") is { Length: > 0 } redis ? redis : null;
}
