using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The writer encodes binary COPY itself: every column type it sends (uuid, timestamptz to the microsecond, real,
/// double, integer, smallint, boolean, text, jsonb, and NULL) must be stored exactly as the server stores the same
/// values from text, which the JSON staging path sends.
/// </summary>
public sealed class BinaryCopyEncodingTests : IntegrationTest
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Test]
    public async Task Every_column_type_is_stored_as_the_same_values_sent_as_text_store()
    {
        await using var connection = await TelemetryScenario.OpenWithNodesAsync(Database.AdminConnectionString);
        var binary = Now.AddHours(-3).AddTicks(1_234_567);
        var json = Now.AddHours(-2).AddTicks(1_234_567);

        var written = await TelemetryScenario.WriteAsync(connection, Readings(binary), Now, WireMode.BinaryCopy);
        await TelemetryScenario.WriteAsync(connection, Readings(json), Now, WireMode.JsonRows);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(written, Is.EqualTo(new WriteResult(6, 6, 0, 0, 0)), "every reading written");
            foreach (var (table, columns) in Tables)
            {
                // Each row as its time within the hour (to the microsecond) and its values in place, NULLs as empty fields.
                var byPath = (await Database.ScalarAsync<string>($"""
                    SELECT string_agg(extract(epoch FROM "timestamp" - date_trunc('hour', "timestamp"))::text || ' ' || ROW({columns}, metadata)::text,
                                      E'\n' ORDER BY "timestamp")
                    FROM telemetry.{table}
                    """))!.Split('\n');
                Assert.That(byPath, Has.Length.EqualTo(4), table);
                Assert.That(byPath[0], Is.EqualTo(byPath[2]), $"{table}: binary COPY and text store the same row");
                Assert.That(byPath[1], Is.EqualTo(byPath[3]), $"{table}: the same with NULLs");
            }

            Assert.That(await Database.ScalarAsync<string>(
                "SELECT node_id::text || ' ' || water_level_cm || ' ' || below_low_level || ' ' || (metadata ->> 'firmware') FROM telemetry.telemetry_tank ORDER BY \"timestamp\" LIMIT 1"),
                Is.EqualTo($"{TelemetryScenario.Tank} 42.5 true ünïcode ✓"), "the binary row's values, read back");
        });
    }

    private static readonly (string Table, string Columns)[] Tables =
    [
        ("telemetry_tank", "node_id, water_level_cm, water_level_percent, below_low_level, temperature_c, tds_ppm, ph, battery_voltage, rssi_dbm"),
        ("telemetry_flow", "node_id, flow_rate_lpm, cumulative_volume_liters, pressure_bar, temperature_c"),
        ("telemetry_deep", "node_id, static_water_level_m, dynamic_water_level_m, pump_status, pump_current_a, voltage_v, energy_kwh"),
    ];

    /// <summary>Each type's reading with every column set (metadata too), and one with every optional column NULL, a second apart.</summary>
    private static IReading[] Readings(DateTimeOffset at) =>
    [
        new TankReading(TelemetryScenario.Tank, at, 42.5, -3.25, 1234, 7.1, 3.3, -87, """{"firmware": "ünïcode ✓", "n": 1}""").Measured(TelemetryScenario.Geometry),
        new TankReading(TelemetryScenario.Tank, at.AddSeconds(1), 300.125),
        new FlowReading(TelemetryScenario.Flow, at, 12.75, 123_456_789.123456, 2.5, 18.5, """{"k": [1, 2]}"""),
        new FlowReading(TelemetryScenario.Flow, at.AddSeconds(1), 0),
        new DeepReading(TelemetryScenario.Deep, at, 31.5, 40.25, "running", 7.5, 231.5, 98_765.4321, """{"pump": "p1"}"""),
        new DeepReading(TelemetryScenario.Deep, at.AddSeconds(1), PumpStatus: "stopped"),
    ];
}
