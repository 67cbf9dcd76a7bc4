using EvaraTech.Infrastructure.Migrations;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The same migrations, the same ingestion of the same readings (late data and counter resets included) and the same
/// series statements give the same numbers on plain PostgreSQL (weekly partitions, rollup tables refreshed per node)
/// and on a real TimescaleDB (hypertables, continuous aggregates).
/// </summary>
[NonParallelizable]
public sealed class StorageConformanceTests
{
    private const double Tolerance = 1e-9;

    private TimescaleHarness _timescale = null!;
    private NpgsqlConnection _plain = null!;
    private NpgsqlConnection _hyper = null!;
    private DateTimeOffset _start;

    [OneTimeSetUp]
    public async Task IngestOnBothProfilesAsync()
    {
        var now = DateTimeOffset.UtcNow;
        _start = TelemetryScenario.Start(now);

        await Platform.ResetAsync();
        _plain = new NpgsqlConnection(Platform.Database.AdminConnectionString);
        await _plain.OpenAsync();
        await TelemetryScenario.CreateNodesAsync(_plain);
        await TelemetryScenario.IngestAsync(_plain, now, WireMode.BinaryCopy, () => ExecuteAsync(_plain, "SELECT * FROM telemetry.refresh_rollups()"));
        await ExecuteAsync(_plain, "SELECT * FROM telemetry.refresh_rollups()");

        _timescale = await TimescaleHarness.StartAsync();
        MigrationRunner.Run(_timescale.ConnectionString, Path.Combine(AppContext.BaseDirectory, "db", "migrations"), NullLogger.Instance);
        _hyper = new NpgsqlConnection(_timescale.ConnectionString);
        await _hyper.OpenAsync();
        await TelemetryScenario.CreateNodesAsync(_hyper);
        await TelemetryScenario.IngestAsync(_hyper, now, WireMode.JsonRows, () => RefreshContinuousAggregatesAsync(_hyper));
        await RefreshContinuousAggregatesAsync(_hyper);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _plain.DisposeAsync();
        await _hyper.DisposeAsync();
        await _timescale.DisposeAsync();
    }

    [Test]
    public async Task The_profiles_are_what_each_server_offers()
    {
        Assert.That(await ScalarAsync<string>(_plain, "SELECT telemetry.storage_profile()"), Is.EqualTo("partitioned"));
        Assert.That(await ScalarAsync<string>(_hyper, "SELECT telemetry.storage_profile()"), Is.EqualTo("timescaledb"));
        Assert.That(await ScalarAsync<long>(_hyper, "SELECT count(*) FROM timescaledb_information.continuous_aggregates WHERE view_schema = 'telemetry'"), Is.EqualTo(6));
    }

    [TestCase("tank", SeriesResolution.Hour)]
    [TestCase("tank", SeriesResolution.Day)]
    [TestCase("flow", SeriesResolution.Hour)]
    [TestCase("flow", SeriesResolution.Day)]
    [TestCase("deep", SeriesResolution.Hour)]
    [TestCase("deep", SeriesResolution.Day)]
    public async Task Rollup_series_are_equal_on_both_profiles(string type, SeriesResolution resolution)
    {
        var spec = Spec(type, resolution);

        var plain = await SeriesReads.ReadAsync(_plain, null, spec, CancellationToken.None);
        var hyper = await SeriesReads.ReadAsync(_hyper, null, spec, CancellationToken.None);

        Assert.That(plain, Has.Count.EqualTo(resolution == SeriesResolution.Hour ? 48 : hyper.Count).And.Count.GreaterThan(1));
        Assert.That(hyper, Has.Count.EqualTo(plain.Count));
        for (var i = 0; i < plain.Count; i++)
        {
            Assert.That(hyper[i].Timestamp, Is.EqualTo(plain[i].Timestamp), $"bucket {i}");
            Assert.That(hyper[i].ReadingCount, Is.EqualTo(plain[i].ReadingCount), $"reading count of {plain[i].Timestamp:O}");
            foreach (var (column, value) in plain[i].Values)
            {
                AssertClose(hyper[i].Values[column], value, $"{column} at {plain[i].Timestamp:O}");
            }
        }
    }

    [Test]
    public async Task On_TimescaleDB_retention_drops_chunks_only_once_the_archive_holds_their_rows()
    {
        const string Old = "SELECT count(*) FROM telemetry.telemetry_tank WHERE \"timestamp\" < now() - interval '100 days'";
        const string Maintain = "SELECT action FROM telemetry.maintain_partitions() WHERE partition_name LIKE 'telemetry_tank before %'";
        await ExecuteAsync(_hyper, $"INSERT INTO telemetry.telemetry_tank (node_id, \"timestamp\", water_level_cm) VALUES ('{TelemetryScenario.Tank}', now() - interval '120 days', 50)");

        var unarchived = await ScalarAsync<string>(_hyper, Maintain);
        var rowsWhileUnarchived = await ScalarAsync<long>(_hyper, Old);
        await ExecuteAsync(_hyper, $"""
            INSERT INTO telemetry.archive_manifest (dataset, node_id, week_start, object_key, row_count, stored_rows, bytes, sha256)
            SELECT 'tank', node_id, date_trunc('week', "timestamp", 'UTC'), 'telemetry/tank/old.parquet', count(*), count(*), 1, repeat('0', 64)
            FROM telemetry.telemetry_tank WHERE "timestamp" < now() - interval '100 days' GROUP BY 1, 2, 3
            """);
        var archived = await ScalarAsync<string>(_hyper, Maintain);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(unarchived, Is.EqualTo("kept"));
            Assert.That(rowsWhileUnarchived, Is.EqualTo(1));
            Assert.That(archived, Is.EqualTo("dropped"));
            Assert.That(await ScalarAsync<long>(_hyper, Old), Is.Zero);
            Assert.That(await ScalarAsync<long>(_hyper, "SELECT count(*) FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention'"), Is.Zero,
                "TimescaleDB's own retention would drop chunks unarchived");
        });
    }

    [Test]
    public async Task Volume_and_energy_count_a_counter_reset_as_a_restart_on_both_profiles()
    {
        foreach (var connection in new[] { _plain, _hyper })
        {
            var volume = (await SeriesReads.ReadAsync(connection, null, Spec("flow", SeriesResolution.Hour), CancellationToken.None))
                .Sum(p => Convert.ToDouble(p.Values["volume_liters"], System.Globalization.CultureInfo.InvariantCulture));
            var energy = (await SeriesReads.ReadAsync(connection, null, Spec("deep", SeriesResolution.Day), CancellationToken.None))
                .Sum(p => Convert.ToDouble(p.Values["energy_kwh"], System.Globalization.CultureInfo.InvariantCulture));

            Assert.That(volume, Is.EqualTo(TelemetryScenario.ExpectedVolume(_start)).Within(1e-6));
            Assert.That(energy, Is.EqualTo(TelemetryScenario.ExpectedEnergy(_start)).Within(1e-6));
        }
    }

    [Test]
    public async Task Every_reading_is_counted_once_despite_late_and_repeated_batches()
    {
        foreach (var connection in new[] { _plain, _hyper })
        {
            var hourly = await SeriesReads.ReadAsync(connection, null, Spec("deep", SeriesResolution.Hour), CancellationToken.None);

            Assert.That(hourly.Sum(p => p.ReadingCount), Is.EqualTo(TelemetryScenario.ReadingsPerNode));
            Assert.That(hourly.Select(p => p.ReadingCount), Is.All.EqualTo(6));
        }
    }

    [Test]
    public async Task Raw_readings_and_latest_values_are_equal_on_both_profiles()
    {
        var spec = Spec("deep", SeriesResolution.Raw) with
        {
            Columns = ["static_water_level_m", "pump_status", "energy_kwh", "energy_delta_kwh", "pump_running_seconds"],
            Limit = 1000,
        };
        var plain = await SeriesReads.ReadAsync(_plain, null, spec, CancellationToken.None);
        var hyper = await SeriesReads.ReadAsync(_hyper, null, spec, CancellationToken.None);

        Assert.That(plain, Has.Count.EqualTo(TelemetryScenario.ReadingsPerNode));
        Assert.That(hyper.Select(p => p.Values), Is.EqualTo(plain.Select(p => p.Values)));

        const string Latest = "SELECT string_agg(node_id || ' ' || \"timestamp\" || ' ' || \"values\"::text, E'\\n' ORDER BY node_id) FROM telemetry.latest_readings";
        Assert.That(await ScalarAsync<string>(_hyper, Latest), Is.EqualTo(await ScalarAsync<string>(_plain, Latest)).And.Not.Null);
    }

    private SeriesSpec Spec(string type, SeriesResolution resolution)
    {
        var table = TelemetryTable.ForKey(type);
        var node = type switch { "tank" => TelemetryScenario.Tank, "flow" => TelemetryScenario.Flow, _ => TelemetryScenario.Deep };
        var columns = resolution == SeriesResolution.Raw ? [] : table.Metrics.SelectMany(m => m.RollupColumns).ToList();
        return new SeriesSpec(node, table, resolution, columns, _start.AddDays(-1), _start.AddDays(3), 10_000);
    }

    private static void AssertClose(object? actual, object? expected, string what)
    {
        if (expected is null || actual is null)
        {
            Assert.That(actual, Is.EqualTo(expected), what);
            return;
        }

        var e = Convert.ToDouble(expected, System.Globalization.CultureInfo.InvariantCulture);
        var a = Convert.ToDouble(actual, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(a, Is.EqualTo(e).Within(Tolerance * Math.Max(1, Math.Abs(e))), what);
    }

    private static async Task RefreshContinuousAggregatesAsync(NpgsqlConnection connection)
    {
        foreach (var table in TelemetryTable.All)
        {
            foreach (var resolution in new[] { SeriesResolution.Hour, SeriesResolution.Day })
            {
                // Outside a transaction, as TimescaleDB requires.
                await ExecuteAsync(connection, $"CALL refresh_continuous_aggregate('{table.RollupTable(resolution)}', NULL, NULL)");
            }
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
