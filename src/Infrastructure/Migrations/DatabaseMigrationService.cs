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
/// database, unless <c>Database:MigrateOnStartup</c> is off; <c>EvaraTech.Api migrate</c> runs it alone.
/// A failed migration fails the start.
/// </summary>
public sealed class DatabaseMigrationService(
    IConfiguration configuration, IOptions<DatabaseOptions> options, IEnumerable<ICodeMigration> codeMigrations, ILogger<DatabaseMigrationService> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            MigrateNow();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void MigrateNow()
    {
        MigrationRunner.Run(ConnectionStrings.Migrations(configuration), ResolveFolder(options.Value.MigrationsPath), logger, codeMigrations);

        using var connection = new NpgsqlConnection(ConnectionStrings.Postgres(configuration));
        connection.Open();
        PostgreSqlObjectsInstaller.Install(connection, JobsRegistration.Schema);
    }

    public static string ResolveFolder(string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
