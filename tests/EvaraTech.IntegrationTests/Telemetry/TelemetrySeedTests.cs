using Dapper;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.TestSupport;
using EvaraTech.TestSupport.Platform;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The telemetry data generator behind <c>./build.sh seed-perf</c> and the telemetry benchmark, on a small
/// configuration (6 nodes: two overhead tanks, two sumps, a flow meter, a borewell; 2,400 readings over a week):
/// loaded twice into two databases it writes the same rows, its derived columns are what the SQL definitions give
/// over the stored rows, what ingestion keeps beside the readings (rollups, latest values, device state) is there,
/// and the module's own writer, handed the same readings poll cycle by poll cycle, stores exactly the same rows.
/// </summary>
[NonParallelizable]
public sealed class TelemetrySeedTests
{
    private const int Nodes = 6;
    private const long Rows = 2_400;
    private static readonly TimeSpan Span = TimeSpan.FromDays(7);
    private static readonly DateTime Now = new(2026, 11, 20, 6, 30, 0, DateTimeKind.Utc);

    private static readonly string[] Readings =
    [
        """SELECT md5(string_agg(t::text, '|' ORDER BY node_id, "timestamp")) FROM telemetry.telemetry_tank t""",
        """SELECT md5(string_agg(t::text, '|' ORDER BY node_id, "timestamp")) FROM telemetry.telemetry_flow t""",
        """SELECT md5(string_agg(t::text, '|' ORDER BY node_id, "timestamp")) FROM telemetry.telemetry_deep t""",
        """SELECT md5(string_agg(concat_ws(',', node_id, telemetry_type, "timestamp", "values"), '|' ORDER BY node_id)) FROM telemetry.latest_readings""",
    ];

    private static readonly string[] Rollups =
    [
        .. new[] { "tank", "flow", "deep" }.SelectMany(type => new[] { "hourly", "daily" }.Select(rollup =>
            $"SELECT md5(string_agg(t::text, '|' ORDER BY node_id, bucket)) FROM telemetry.telemetry_{type}_{rollup} t")),
    ];

    private static readonly string[] Contents =
    [
        .. Readings,
        .. Rollups,
        "SELECT md5(string_agg(t::text, '|' ORDER BY node_id)) FROM telemetry.device_states t",
        "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM nodes.nodes t",
        "SELECT md5(string_agg(t::text, '|' ORDER BY node_id)) FROM nodes.device_config_tank t",
    ];

    private TestDatabase _first = null!;
    private TestDatabase _second = null!;
    private TestDatabase _ingested = null!;
    private TelemetrySeed _seed = null!;

    [OneTimeSetUp]
    public async Task LoadTwiceAndIngestOnceAsync()
    {
        _first = await TestDatabase.CreateMigratedAsync("telemetry_seed");
        _second = await TestDatabase.CreateMigratedAsync("telemetry_seed");
        foreach (var database in new[] { _first, _second })
        {
            _seed = new TelemetrySeed(Nodes, Rows, Now, Span);
            await _seed.LoadAsync(database.AdminConnectionString);
        }

        _ingested = await TestDatabase.CreateMigratedAsync("telemetry_seed");
        var ingestion = new TelemetrySeed(Nodes, Rows, Now, Span);
        await ingestion.CreateNodesAsync(_ingested.AdminConnectionString);
        await using (var app = new NpgsqlConnection(_ingested.AppConnectionString))
        {
            await app.OpenAsync();
            for (var cycle = 0; cycle < Rows / Nodes; cycle++)
            {
                var readings = ingestion.NextReadings().ToReadings();
                await using var transaction = await app.BeginTransactionAsync();
                await app.ExecuteAsync("SELECT tenancy.set_user_context(NULL, 'system', NULL, NULL)", transaction: transaction);
                var written = await TelemetryWriter.WriteAsync(app, transaction, readings, readings.Max(r => r.Timestamp),
                    WireMode.BinaryCopy, CancellationToken.None);
                Assert.That(written.Written, Is.EqualTo(Nodes), $"poll cycle {cycle}");
                await transaction.CommitAsync();
            }
        }

        await _ingested.ExecuteAsync("SELECT count(*) FROM telemetry.refresh_rollups()");
    }

    [OneTimeTearDown]
    public async Task DropAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        await _ingested.DisposeAsync();
    }

    [Test]
    public async Task The_same_configuration_writes_the_same_rows()
    {
        Assert.That(await CountAsync(_first, """
            SELECT (SELECT count(*) FROM telemetry.telemetry_tank) + (SELECT count(*) FROM telemetry.telemetry_flow)
                 + (SELECT count(*) FROM telemetry.telemetry_deep)
            """), Is.EqualTo(Rows));
        foreach (var sql in Contents)
        {
            var first = await _first.ScalarAsync<string>(sql);
            Assert.That(first, Is.Not.Null, sql);
            Assert.That(await _second.ScalarAsync<string>(sql), Is.EqualTo(first), sql);
        }
    }

    [Test]
    public async Task The_modules_writer_stores_the_same_readings_derived_values_and_rollups()
    {
        foreach (var sql in Readings.Concat(Rollups))
        {
            Assert.That(await _ingested.ScalarAsync<string>(sql), Is.EqualTo(await _first.ScalarAsync<string>(sql)), sql);
        }
    }

    [Test]
    public async Task Readings_lie_in_the_span_and_in_its_partitions()
    {
        foreach (var table in new[] { "telemetry_tank", "telemetry_flow", "telemetry_deep" })
        {
            Assert.That(await CountAsync(_first, $"""
                SELECT count(*) FROM telemetry.{table} WHERE "timestamp" >= @Now OR "timestamp" <= @Now - interval '7 days'
                """), Is.Zero, table);
            Assert.That(await CountAsync(_first, $"SELECT count(DISTINCT tableoid) FROM telemetry.{table}"), Is.GreaterThan(1), table);
        }

        Assert.That(await CountAsync(_first, "SELECT count(DISTINCT node_id) FROM telemetry.telemetry_tank"), Is.EqualTo(4));
        Assert.That(await CountAsync(_first, "SELECT count(*) FROM nodes.nodes WHERE id = ANY(@Ids)", new { Ids = _seed.NodeIds.ToArray() }), Is.EqualTo(Nodes));
    }

    [Test]
    public async Task Tank_percent_and_low_level_follow_the_tank_configuration()
    {
        Assert.That(await CountAsync(_first, """
            SELECT count(*) FROM telemetry.telemetry_tank t JOIN nodes.device_config_tank c USING (node_id)
            WHERE t.water_level_percent IS DISTINCT FROM (t.water_level_cm / c.max_depth_cm * 100)::real
               OR t.below_low_level IS DISTINCT FROM (t.water_level_cm / c.max_depth_cm * 100 < c.low_level_percent)
            """), Is.Zero);
        Assert.That(await CountAsync(_first, "SELECT count(*) FROM telemetry.telemetry_tank WHERE below_low_level"), Is.Positive,
            "some low-level periods");
    }

    [TestCase("telemetry_flow", "cumulative_volume_liters", "volume_delta_liters")]
    [TestCase("telemetry_deep", "energy_kwh", "energy_delta_kwh")]
    public async Task Counter_increases_are_what_counter_increase_gives_over_the_previous_non_null_counter(string table, string counter, string increase)
    {
        var sql = $"""
            WITH counted AS (
                SELECT node_id, "timestamp",
                       telemetry.counter_increase(lag({counter}) OVER w, {counter}) AS increase,
                       lag({counter}) OVER w > {counter} AS reset
                FROM telemetry.{table}
                WHERE {counter} IS NOT NULL
                WINDOW w AS (PARTITION BY node_id ORDER BY "timestamp"))
            SELECT count(*) FILTER (WHERE t.{increase} IS DISTINCT FROM c.increase) AS mismatches,
                   count(*) FILTER (WHERE c.reset) AS resets
            FROM telemetry.{table} t
            LEFT JOIN counted c USING (node_id, "timestamp")
            """;
        await using var connection = new NpgsqlConnection(_first.AdminConnectionString);
        var (mismatches, resets) = await connection.QuerySingleAsync<(long, long)>(sql);
        Assert.That(mismatches, Is.Zero);
        if (table == "telemetry_flow")
        {
            Assert.That(resets, Is.Positive, "every flow meter's counter restarts once");
        }
    }

    [Test]
    public async Task Pump_running_seconds_are_the_gap_after_a_running_reading_at_most_15_minutes()
    {
        await using var connection = new NpgsqlConnection(_first.AdminConnectionString);
        var (mismatches, running) = await connection.QuerySingleAsync<(long, long)>("""
            SELECT count(*) FILTER (WHERE pump_running_seconds IS DISTINCT FROM expected),
                   count(*) FILTER (WHERE pump_running_seconds > 0)
            FROM (SELECT pump_running_seconds,
                         CASE WHEN lag("timestamp") OVER w IS NULL THEN NULL
                              WHEN lag(pump_status) OVER w = 'running' THEN least(extract(epoch FROM "timestamp" - lag("timestamp") OVER w), 900)::real
                              ELSE 0 END AS expected
                  FROM telemetry.telemetry_deep
                  WINDOW w AS (PARTITION BY node_id ORDER BY "timestamp")) d
            """);
        Assert.That(mismatches, Is.Zero);
        Assert.That(running, Is.Positive);
    }

    [TestCase("tank")]
    [TestCase("flow")]
    [TestCase("deep")]
    public async Task Rollups_cover_every_reading_and_nothing_is_left_to_refresh(string type)
    {
        foreach (var (rollup, width) in new[] { ("hourly", "1 hour"), ("daily", "1 day") })
        {
            Assert.That(await CountAsync(_first, $"SELECT coalesce(sum(reading_count), 0) FROM telemetry.telemetry_{type}_{rollup}"),
                Is.EqualTo(await CountAsync(_first, $"SELECT count(*) FROM telemetry.telemetry_{type}")), rollup);
            Assert.That(await CountAsync(_first, $"SELECT count(*) FROM telemetry.telemetry_{type}_{rollup}"),
                Is.EqualTo(await CountAsync(_first, $"""
                    SELECT count(DISTINCT (node_id, date_bin(interval '{width}', "timestamp", timestamptz '2000-01-01 00:00+00')))
                    FROM telemetry.telemetry_{type}
                    """)), rollup);
        }

        Assert.That(await CountAsync(_first, "SELECT count(*) FROM telemetry.rollup_invalidations"), Is.Zero);
    }

    [Test]
    public async Task Latest_values_and_device_state_are_those_of_each_nodes_last_readings()
    {
        Assert.That(await CountAsync(_first, """
            SELECT count(*) FROM telemetry.latest_readings l
            WHERE l."timestamp" = (SELECT max("timestamp") FROM telemetry.telemetry_tank t WHERE t.node_id = l.node_id)
               OR l."timestamp" = (SELECT max("timestamp") FROM telemetry.telemetry_flow t WHERE t.node_id = l.node_id)
               OR l."timestamp" = (SELECT max("timestamp") FROM telemetry.telemetry_deep t WHERE t.node_id = l.node_id)
            """), Is.EqualTo(Nodes));
        Assert.That(await CountAsync(_first, """
            SELECT count(*) FROM telemetry.latest_readings l JOIN telemetry.telemetry_tank t ON t.node_id = l.node_id AND t."timestamp" = l."timestamp"
            WHERE (l."values" ->> 'water_level_cm')::real = t.water_level_cm AND NOT l."values" ? 'node_id' AND NOT l."values" ? 'metadata'
            """), Is.EqualTo(4));
        Assert.That(await CountAsync(_first, """
            SELECT count(*) FROM telemetry.device_states d JOIN telemetry.latest_readings l USING (node_id, telemetry_type)
            WHERE d.last_reading_at = l."timestamp" AND d.readings_24h > 0
              AND d.readings_24h = (SELECT count(*) FROM telemetry.telemetry_tank t WHERE t.node_id = d.node_id AND t."timestamp" > @Now - interval '24 hours')
                                 + (SELECT count(*) FROM telemetry.telemetry_flow t WHERE t.node_id = d.node_id AND t."timestamp" > @Now - interval '24 hours')
                                 + (SELECT count(*) FROM telemetry.telemetry_deep t WHERE t.node_id = d.node_id AND t."timestamp" > @Now - interval '24 hours')
              AND (d.battery_voltage IS NOT NULL) = (d.telemetry_type = 'tank')
            """), Is.EqualTo(Nodes));
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql, object? parameters = null)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql, parameters ?? new { Now });
    }
}
