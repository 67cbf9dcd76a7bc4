using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The partitioned profile's upkeep: weekly partitions exist ahead of time, weeks past the 90-day retention are
/// dropped whole once archived (TelemetryArchiveTests prove the archive), and no reading is ever stored outside a weekly partition (there is no default partition; storage
/// refuses what no partition would hold).
/// </summary>
public sealed class TelemetryPartitionTests : IntegrationTest
{
    private static readonly string[] RawTables = ["telemetry_tank", "telemetry_flow", "telemetry_deep"];

    private static TelemetryPartitionMaintenance Maintenance => Platform.Api.Services.GetRequiredService<TelemetryPartitionMaintenance>();

    [Test]
    public async Task The_coming_four_weeks_have_partitions_for_every_table()
    {
        await Maintenance.RunAsync(CancellationToken.None);

        var partitions = await PartitionsAsync();
        var monday = DateTime.UtcNow.Date.AddDays(-(((int)DateTime.UtcNow.DayOfWeek + 6) % 7));
        Assert.Multiple(() =>
        {
            foreach (var table in RawTables)
            {
                for (var week = 0; week <= 4; week++)
                {
                    Assert.That(partitions, Does.Contain($"{table}_{monday.AddDays(7 * week):yyyyMMdd}"));
                }

                Assert.That(partitions, Does.Contain($"{table}_{monday.AddDays(-84):yyyyMMdd}"), "the oldest retained weeks exist too");
            }
        });
    }

    [Test]
    public async Task Weeks_past_the_retention_are_dropped_whole_with_their_rows()
    {
        await using var connection = await TelemetryScenario.OpenWithNodesAsync(Database.AdminConnectionString);
        // A week from before the retention, as a partition created when it was current would be, holding a reading.
        // Raw INSERTs on purpose: the rows must land in that hand-made partition, which is what maintenance drops.
        await Database.ExecuteAsync($"""
            CREATE TABLE telemetry.telemetry_tank_20200106 PARTITION OF telemetry.telemetry_tank
                FOR VALUES FROM ('2020-01-06 00:00+00') TO ('2020-01-13 00:00+00');
            INSERT INTO telemetry.telemetry_tank (node_id, "timestamp", water_level_cm) VALUES ('{TelemetryScenario.Tank}', '2020-01-07 10:00+00', 50);
            INSERT INTO telemetry.telemetry_tank_hourly (node_id, bucket, reading_count, low_level_count) VALUES ('{TelemetryScenario.Tank}', '2020-01-07 10:00+00', 1, 0);
            """);

        var changes = await Maintenance.RunAsync(CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(changes, Does.Contain(("dropped", "telemetry_tank_20200106")));
            Assert.That(await PartitionsAsync(), Does.Not.Contain("telemetry_tank_20200106"));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank_hourly"), Is.Zero, "hourly rollups are kept a year");
        });
    }

    [Test]
    public async Task No_reading_is_stored_outside_a_weekly_partition()
    {
        var now = DateTimeOffset.UtcNow;
        await using var connection = await TelemetryScenario.OpenWithNodesAsync(Database.AdminConnectionString);

        var result = await TelemetryScenario.WriteAsync(connection,
        [
            new TankReading(TelemetryScenario.Tank, now.AddDays(-91), 10),
            new TankReading(TelemetryScenario.Tank, now.AddDays(-89), 20),
            new TankReading(TelemetryScenario.Tank, now.AddMinutes(5), 30),
            new TankReading(TelemetryScenario.Tank, now.AddDays(40), 40),
        ], now, WireMode.BinaryCopy);

        var misplaced = await Database.ScalarAsync<long>("""
            SELECT count(*) FROM telemetry.telemetry_tank t
            JOIN pg_class c ON c.oid = t.tableoid
            WHERE c.relname <> 'telemetry_tank_' || to_char(date_trunc('week', t."timestamp", 'UTC') AT TIME ZONE 'UTC', 'YYYYMMDD')
            """);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(result, Is.EqualTo(new WriteResult(4, 2, 0, 1, 1)));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.EqualTo(2));
            Assert.That(misplaced, Is.Zero, "every row sits in the partition of its own week");
            Assert.That(await Database.ScalarAsync<long>("""
                SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'telemetry' AND p.partdefid <> 0
                """), Is.Zero, "no default partition can collect strays");
        });
    }

    private static Task<string?> PartitionsAsync() => Database.ScalarAsync<string>("""
        SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent IN ('telemetry.telemetry_tank'::regclass, 'telemetry.telemetry_flow'::regclass, 'telemetry.telemetry_deep'::regclass)
        """);
}
