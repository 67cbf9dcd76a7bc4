using EvaraTech.Infrastructure.Database;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvaraTech.Infrastructure.Migrations;

/// <summary>
/// Migrates the database while the host starts, before any other hosted service (Hangfire, pollers) touches it.
/// A failed migration fails the start.
/// </summary>
public sealed class DatabaseMigrationService(
    IConfiguration configuration, IOptions<DatabaseOptions> options, ILogger<DatabaseMigrationService> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStartup)
        {
            MigrationRunner.Run(
                ConnectionStrings.Migrations(configuration),
                ResolveFolder(options.Value.MigrationsPath),
                logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static string ResolveFolder(string path) =>
        Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
}
