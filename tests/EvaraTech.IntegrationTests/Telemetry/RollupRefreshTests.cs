using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The partitioned profile's incremental refresh works per (node, hour): late rows of one node re-aggregate that
/// node's buckets and nothing else, and a refresh with nothing new does nothing.
/// </summary>
public sealed class RollupRefreshTests : IntegrationTest
{
    private static RollupRefresh Refresh => Platform.Api.Services.GetRequiredService<RollupRefresh>();

    [Test]
    public async Task Late_rows_of_one_node_re_aggregate_only_that_nodes_buckets()
    {
        var now = DateTimeOffset.UtcNow;
        var start = TelemetryScenario.Start(now);
        await using var connection = await OpenAsync();
        await TelemetryScenario.CreateNodesAsync(connection);
        await TelemetryScenario.WriteAsync(connection, TelemetryScenario.Readings(start), now, WireMode.BinaryCopy);
        await Refresh.RunAsync(CancellationToken.None);
        var otherNodesBefore = await RollupVersionsAsync(TelemetryScenario.Flow, TelemetryScenario.Deep);

        // Two late tank readings, five minutes into hours 3 and 20 of the scenario: both hours already hold six.
        await TelemetryScenario.WriteAsync(connection,
        [
            new TankReading(TelemetryScenario.Tank, start.AddHours(3).AddMinutes(5), 123).Measured(TelemetryScenario.Geometry),
            new TankReading(TelemetryScenario.Tank, start.AddHours(20).AddMinutes(5), 321).Measured(TelemetryScenario.Geometry),
        ], now, WireMode.BinaryCopy);
        var refreshed = await Refresh.RunAsync(CancellationToken.None);

        var days = new[] { start.AddHours(3), start.AddHours(20) }.Select(t => t.UtcDateTime.Date).Distinct().Count();
        var hourly = await SeriesReads.ReadAsync(connection, null,
            new SeriesSpec(TelemetryScenario.Tank, TelemetryTable.Tank, SeriesResolution.Hour, ["max_level_cm"], start, start.AddDays(2), 100),
            CancellationToken.None);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(refreshed, Does.Contain(new RefreshedRollup("tank", "hour", 2, 1)));
            Assert.That(refreshed, Does.Contain(new RefreshedRollup("tank", "day", days, 1)));
            Assert.That(refreshed.Where(r => r.TelemetryType != "tank").Select(r => r.Buckets), Is.All.Zero);
            Assert.That(await RollupVersionsAsync(TelemetryScenario.Flow, TelemetryScenario.Deep), Is.EqualTo(otherNodesBefore),
                "no rollup row of another node was rewritten");
            Assert.That(hourly[3].ReadingCount, Is.EqualTo(7));
            Assert.That(hourly[20].ReadingCount, Is.EqualTo(7));
            Assert.That(hourly[20].Values["max_level_cm"], Is.EqualTo(321));
            Assert.That(hourly.Where((_, i) => i is not 3 and not 20).Select(p => p.ReadingCount), Is.All.EqualTo(6));
        });
    }

    [Test]
    public async Task A_refresh_without_new_data_does_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        await using var connection = await OpenAsync();
        await TelemetryScenario.CreateNodesAsync(connection);
        await TelemetryScenario.WriteAsync(connection, TelemetryScenario.Readings(TelemetryScenario.Start(now)), now, WireMode.BinaryCopy);
        var first = await Refresh.RunAsync(CancellationToken.None);
        var versions = await RollupVersionsAsync(TelemetryScenario.Tank, TelemetryScenario.Flow, TelemetryScenario.Deep);

        var second = await Refresh.RunAsync(CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first.Where(r => r.Resolution == "hour").Select(r => r.Buckets), Is.All.EqualTo(48));
            Assert.That(second.Select(r => r.Buckets), Is.All.Zero);
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.rollup_invalidations"), Is.Zero);
            Assert.That(await RollupVersionsAsync(TelemetryScenario.Tank, TelemetryScenario.Flow, TelemetryScenario.Deep), Is.EqualTo(versions));
        });
    }

    [Test]
    public async Task A_repeated_batch_invalidates_nothing()
    {
        var now = DateTimeOffset.UtcNow;
        var readings = TelemetryScenario.Readings(TelemetryScenario.Start(now));
        await using var connection = await OpenAsync();
        await TelemetryScenario.CreateNodesAsync(connection);
        await TelemetryScenario.WriteAsync(connection, readings, now, WireMode.BinaryCopy);
        await Refresh.RunAsync(CancellationToken.None);

        var again = await TelemetryScenario.WriteAsync(connection, readings, now, WireMode.BinaryCopy);

        Assert.That(again, Is.EqualTo(new WriteResult(readings.Count, 0, readings.Count, 0, 0)));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.rollup_invalidations"), Is.Zero);
    }

    private static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Each rollup row's xmin: it changes exactly when the refresh rewrites the row.</summary>
    private static Task<string?> RollupVersionsAsync(params Guid[] nodes) => Database.ScalarAsync<string>("""
        SELECT string_agg(node_id || ' ' || bucket || ' ' || xmin, ',' ORDER BY node_id, bucket, xmin::text) FROM (
            SELECT node_id, bucket, xmin FROM telemetry.telemetry_tank_hourly UNION ALL
            SELECT node_id, bucket, xmin FROM telemetry.telemetry_flow_hourly UNION ALL
            SELECT node_id, bucket, xmin FROM telemetry.telemetry_deep_hourly UNION ALL
            SELECT node_id, bucket, xmin FROM telemetry.telemetry_tank_daily UNION ALL
            SELECT node_id, bucket, xmin FROM telemetry.telemetry_flow_daily UNION ALL
            SELECT node_id, bucket, xmin FROM telemetry.telemetry_deep_daily) r
        WHERE node_id = ANY(@nodes)
        """, ("nodes", nodes));
}
