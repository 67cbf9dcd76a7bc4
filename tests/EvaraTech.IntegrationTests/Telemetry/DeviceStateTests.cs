using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// Latest values and device state under concurrent ingestion, written as the application role with the platform's
/// 'system' context (as ingestion runs): nothing is lost, late data never replaces newer values.
/// </summary>
public sealed class DeviceStateTests : IntegrationTest
{
    [Test]
    public async Task Concurrent_batches_of_one_node_lose_no_reading_and_no_increase()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.CreateNodesAsync(Database);
        const int Batches = 8;
        const int PerBatch = 15;
        // Interleaved batches: batch b holds readings b, b+8, b+16, … of one flow meter's counter.
        var readings = Enumerable.Range(0, Batches * PerBatch)
            .Select(i => new FlowReading(TelemetryScenario.Flow, now.AddMinutes(-5 * (Batches * PerBatch - i)), 10, 100.0 * (i + 1)))
            .ToList();

        await Task.WhenAll(Enumerable.Range(0, Batches).Select(async b =>
        {
            await using var connection = await TelemetryScenario.OpenAsApplicationAsync(Database);
            await TelemetryScenario.WriteAsSystemAsync(connection, [.. readings.Where((_, i) => i % Batches == b)], now);
        }));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Database.ScalarAsync<int>($"SELECT readings_24h FROM telemetry.device_states WHERE node_id = '{TelemetryScenario.Flow}'"),
                Is.EqualTo(Batches * PerBatch));
            Assert.That(await Database.ScalarAsync<double>($"SELECT sum(volume_delta_liters) FROM telemetry.telemetry_flow WHERE node_id = '{TelemetryScenario.Flow}'"),
                Is.EqualTo(100.0 * (Batches * PerBatch - 1)), "each reading's increase is from its true predecessor");
            Assert.That(await Database.ScalarAsync<DateTime>($"SELECT \"timestamp\" FROM telemetry.latest_readings WHERE node_id = '{TelemetryScenario.Flow}'"),
                Is.EqualTo(readings[^1].Timestamp.UtcDateTime).Within(TimeSpan.FromMilliseconds(1)));
        });
    }

    [Test]
    public async Task Late_data_never_replaces_the_latest_reading()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.CreateNodesAsync(Database);
        await using var connection = await TelemetryScenario.OpenAsApplicationAsync(Database);
        await TelemetryScenario.WriteAsSystemAsync(connection, [new TankReading(TelemetryScenario.Tank, now.AddMinutes(-1), 250, BatteryVoltage: 3.75, RssiDbm: -85)], now);

        await TelemetryScenario.WriteAsSystemAsync(connection, [new TankReading(TelemetryScenario.Tank, now.AddHours(-3), 100, BatteryVoltage: 3.5)], now);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Database.ScalarAsync<string>($"SELECT \"values\" ->> 'water_level_cm' FROM telemetry.latest_readings WHERE node_id = '{TelemetryScenario.Tank}'"),
                Is.EqualTo("250"));
            Assert.That(await Database.ScalarAsync<int>($"SELECT readings_24h FROM telemetry.device_states WHERE node_id = '{TelemetryScenario.Tank}'"), Is.EqualTo(2));
            Assert.That(await Database.ScalarAsync<float>($"SELECT battery_voltage FROM telemetry.device_states WHERE node_id = '{TelemetryScenario.Tank}'"),
                Is.EqualTo(3.75f), "battery and signal come from the newest reading");
        });
    }

    [Test]
    public async Task Readings_that_age_out_of_the_window_leave_the_state_of_a_quiet_node()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.CreateNodesAsync(Database);
        await using (var connection = await TelemetryScenario.OpenAsApplicationAsync(Database))
        {
            await TelemetryScenario.WriteAsSystemAsync(connection, [new DeepReading(TelemetryScenario.Deep, now.AddHours(-30), 20), new DeepReading(TelemetryScenario.Deep, now.AddHours(-2), 22)], now);
        }

        // The node went quiet: its state was last computed long ago, when both readings were recent.
        await Database.ExecuteAsync($"UPDATE telemetry.device_states SET readings_24h = 2, window_computed_at = now() - interval '1 hour' WHERE node_id = '{TelemetryScenario.Deep}'");

        var refreshed = await Platform.Api.Services.GetRequiredService<DeviceStateRefresh>().RunAsync(CancellationToken.None);

        Assert.That(refreshed, Is.EqualTo(1));
        Assert.That(await Database.ScalarAsync<int>($"SELECT readings_24h FROM telemetry.device_states WHERE node_id = '{TelemetryScenario.Deep}'"), Is.EqualTo(1));
        Assert.That(await Database.ScalarAsync<double>($"SELECT primary_avg_24h FROM telemetry.device_states WHERE node_id = '{TelemetryScenario.Deep}'"), Is.EqualTo(22));
    }
}
