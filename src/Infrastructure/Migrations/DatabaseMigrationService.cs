using System.Net.Sockets;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Jobs;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EvaraTech.Infrastructure.Migrations;

/// <summary>
/// Brings the database up to date: the SQL migrations (as the owner), then Hangfire's own tables (as the
/// application, in the schema it owns). Runs while the host starts, before any other hosted service touches the
/// database, unless <c>Database:MigrateOnStartup</c> is off or it has run already (the API's entry point runs it
/// first, answering the health probes meanwhile); <c>EvaraTech.Api migrate</c> runs it alone. A failed migration
/// fails the start.
/// </summary>
public sealed class DatabaseMigrationService(
    IConfiguration configuration, IOptions<DatabaseOptions> options, IEnumerable<ICodeMigration> codeMigrations, ILogger<DatabaseMigrationService> logger)
    : IHostedService
{
    private volatile bool _migrated;
    private volatile string _status = "not started";

    public bool MigratesOnStartup => options.Value.MigrateOnStartup && !_migrated;

    /// <summary>Where the start-up wait stands, for the health probe that answers meanwhile (no secrets: the reason only).</summary>
    public string Status => _status;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (MigratesOnStartup)
        {
            await MigrateWhenReachableAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Migrates once PostgreSQL answers: while it is unreachable, retries after 1, 2, 4 … (at most 15) seconds, saying
    /// why each time, for <see cref="DatabaseOptions.StartupWait"/>; a failing migration fails at once.
    /// </summary>
    public async Task MigrateWhenReachableAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        var delay = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // A retry keeps saying why the last attempt failed until the server answers.
                if (attempt == 1)
                {
                    _status = "connecting to PostgreSQL";
                }

                using (var probe = new NpgsqlConnection(ConnectionStrings.Migrations(configuration)))
                {
                    probe.Open();
                }

                _status = "migrating the database";
                MigrateNow();
                _migrated = true;
                _status = "migrated";
                return;
            }
            catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex) && TimeProvider.System.GetElapsedTime(started) < options.Value.StartupWait)
            {
                var wait = Min(delay, options.Value.StartupWait - TimeProvider.System.GetElapsedTime(started));
                _status = $"waiting for PostgreSQL: not reachable yet (attempt {attempt}: {Why(ex)}); retrying in {wait.TotalSeconds:0.#} s";
                logger.LogWarning("PostgreSQL is not reachable yet (attempt {Attempt}: {Reason}); retrying in {Delay:0.#} s",
                    attempt, (ex.InnerException ?? ex).Message, wait.TotalSeconds);
                await Task.Delay(wait, cancellationToken);
                delay = Min(delay * 2, TimeSpan.FromSeconds(15));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Why the database could not be reached, without its address (the probe that shows it is anonymous).</summary>
    private static string Why(Exception exception) => exception switch
    {
        PostgresException pg => pg.MessageText,
        SocketException socket => socket.SocketErrorCode.ToString(),
        TimeoutException => "timed out",
        _ when exception.InnerException is { } inner => Why(inner),
        _ => exception.GetType().Name,
    };

    private void MigrateNow()
    {
        MigrationRunner.Run(ConnectionStrings.Migrations(configuration), ResolveFolder(options.Value.MigrationsPath), logger, codeMigrations);

        using var connection = new NpgsqlConnection(ConnectionStrings.Postgres(configuration));
        connection.Open();
        PostgreSqlObjectsInstaller.Install(connection, JobsRegistration.Schema);
    }

    public static string ResolveFolder(string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
