using System.Diagnostics;
using System.Globalization;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Telemetry.Persistence.Archive;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The telemetry archive: one week past the retention of 1,000 tanks (800 readings each, ≈ 800,000 rows) archived to
/// the local store as the daily job does it (read per node-week, Parquet, written, read back and verified, recorded),
/// then dropped; rows per second, and the archive's size beside the week's size in PostgreSQL (table and index).
/// </summary>
public static class ArchiveThroughput
{
    private const int Tanks = 1_000;
    private const int ReadingsPerNode = 800;

    public static async Task<IReadOnlyList<ReportLine>> MeasureAsync(Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        var folder = Path.Combine(Path.GetTempPath(), "evaratech-bench-archive", Guid.NewGuid().ToString("N"));
        await using var database = await BenchDatabase.CreateAsync();
        await using var api = host(database, new Dictionary<string, string?> { ["Archive:Directory"] = folder });
        _ = api.Server; // migrates
        try
        {
            await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Tanks * 3, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
            var week = Monday(DateTimeOffset.UtcNow.AddDays(-120));
            var partition = $"telemetry.telemetry_tank_{week:yyyyMMdd}";
            await using var connection = new NpgsqlConnection(database.AdminConnectionString);
            await connection.OpenAsync();
            await ExecuteAsync(connection, "SELECT count(*) FROM telemetry.maintain_partitions(interval '200 days')");
            var rows = await CopyWeekAsync(connection, week);
            await ExecuteAsync(connection, $"VACUUM ANALYZE {partition}");
            var tableBytes = await ScalarAsync<long>(connection, $"SELECT pg_total_relation_size('{partition}')");

            var clock = Stopwatch.StartNew();
            var run = await api.Services.GetRequiredService<TelemetryArchiver>().RunAsync(DateTimeOffset.UtcNow, CancellationToken.None);
            var elapsed = clock.Elapsed;
            var archiveBytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
            clock.Restart();
            var dropped = await ScalarAsync<long>(connection, "SELECT count(*) FROM telemetry.maintain_partitions() WHERE action = 'dropped'");
            var drop = clock.Elapsed;

            return
            [
                ReportLine.Value($"archive, one week of {Tanks:N0} tanks ({rows:N0} readings) to Parquet, verified", string.Create(CultureInfo.InvariantCulture,
                    $"{run.RowsArchived / elapsed.TotalSeconds:N0} rows/s ({elapsed.TotalSeconds:F1} s, {run.ObjectsWritten.Values.Sum():N0} objects)"),
                    "≥ 10,000 rows/s (a week of 1,000 nodes well inside the daily job)", run.RowsArchived == rows && run.RowsArchived / elapsed.TotalSeconds >= 10_000),
                ReportLine.Value("archive size beside the same week in PostgreSQL (table and index)", string.Create(CultureInfo.InvariantCulture,
                    $"{archiveBytes / 1048576.0:F1} MiB vs {tableBytes / 1048576.0:F1} MiB ({(double)archiveBytes / tableBytes:P0})"),
                    "< 25 %", archiveBytes < tableBytes / 4),
                ReportLine.Value("archive, dropping the archived week (the daily maintenance)", string.Create(CultureInfo.InvariantCulture,
                    $"{drop.TotalSeconds:F2} s ({dropped} weeks past the retention, the archived one among them)"), "the reference"),
            ];
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<long> CopyWeekAsync(NpgsqlConnection connection, DateTimeOffset week)
    {
        var tanks = new List<Guid>();
        await using (var command = new NpgsqlCommand("SELECT id FROM nodes.nodes WHERE analytics_type = 'EvaraTank' ORDER BY node_key", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tanks.Add(reader.GetGuid(0));
            }
        }

        var every = TimeSpan.FromDays(7) / ReadingsPerNode;
        await using var importer = await connection.BeginBinaryImportAsync("""
            COPY telemetry.telemetry_tank (node_id, "timestamp", water_level_cm, water_level_percent, temperature_c, tds_ppm, ph, battery_voltage, rssi_dbm)
            FROM STDIN (FORMAT BINARY)
            """);
        foreach (var (tank, n) in tanks.Select((t, n) => (t, n)))
        {
            for (var i = 0; i < ReadingsPerNode; i++)
            {
                var level = 100 + (n + i) % 200 + i % 7 * 0.1f;
                await importer.WriteRowAsync(CancellationToken.None, tank, week + every * i, level, level / 3, 20 + i % 10 * 0.5f, 300 + i % 50,
                    7 + i % 4 * 0.25f, 3.5f + i % 5 * 0.125f, (short)(-70 - i % 20));
            }
        }

        return (long)await importer.CompleteAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static DateTimeOffset Monday(DateTimeOffset day) =>
        new(day.UtcDateTime.Date.AddDays(-(((int)day.UtcDateTime.DayOfWeek + 6) % 7)), TimeSpan.Zero);
}
