using System.Diagnostics;
using Dapper;
using EvaraTech.Infrastructure.Migrations;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Reporting.Persistence;
using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Simulator;
using EvaraTech.Simulator.Channels;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// <c>./build.sh seed-perf</c>: the production-equivalent data set (<see cref="TelemetrySeed.Production"/>'s telemetry,
/// then <see cref="PlatformSeed"/>'s alerts, simulator channels and load-test users) in a database of its own, recreated and migrated on every run and kept afterwards for exploring plans and queries.
/// </summary>
public static class SeedPerf
{
    public const string DatabaseName = "evaratech_perf";

    /// <summary>Recreates, migrates and loads <see cref="DatabaseName"/>; returns it.</summary>
    public static async Task<BenchDatabase> RecreateAsync()
    {
        var clock = Stopwatch.StartNew();
        var database = await BenchDatabase.CreateAsync(DatabaseName);
        MigrationRunner.Run(database.AdminConnectionString, MigrationsFolder, NullLogger.Instance);
        Console.WriteLine($"{database.Name}: recreated and migrated in {clock.Elapsed.TotalSeconds:F1} s");

        var seed = TelemetrySeed.Production(DateTime.UtcNow);
        var report = await seed.LoadAsync(database.AdminConnectionString);
        Console.WriteLine($"seeded {report}");
        var platform = await PlatformSeed.LoadAsync(database.AdminConnectionString, seed,
            new PasswordHasher<UserAccount>().HashPassword(null!, PlatformSeed.LoadUserPassword),
            ChannelCatalog.Epoch, new SimulatorOptions().IntervalSeconds, ChannelCatalog.FirstExtraChannelId,
            new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
        await DashboardStatsView.RefreshAsync(database.AdminConnectionString, CancellationToken.None);
        Console.WriteLine($"seeded {platform.Rules} alert rules, {platform.Alerts:N0} alerts ({platform.OpenAlerts:N0} open), " +
            $"{platform.Channels:N0} simulator channels, {platform.Users} load-test users (password {PlatformSeed.LoadUserPassword})");

        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        var tables = await connection.QueryAsync<string>("""
            SELECT c.relname
            FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
            WHERE s.nspname = 'telemetry' AND c.relkind IN ('p', 'r') AND NOT c.relispartition
              AND c.relname NOT IN ('storage', 'rollup_definitions')
            ORDER BY c.relname
            """);
        foreach (var table in tables)
        {
            // Names from the catalogue, quoted; exact counts (index-only scans after the VACUUM, a few seconds).
            var rows = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM telemetry.\"{table}\"", commandTimeout: 0);
            Console.WriteLine($"  telemetry.{table,-28} {rows,12:N0} rows");
        }

        Console.WriteLine($"seed-perf done in {clock.Elapsed.TotalSeconds:F1} s; connect with Database={database.Name}");
        return database;
    }

    /// <summary>The migrations ship beside the API's binary, which this project references.</summary>
    public static string MigrationsFolder => Path.Combine(AppContext.BaseDirectory, "db", "migrations");
}
