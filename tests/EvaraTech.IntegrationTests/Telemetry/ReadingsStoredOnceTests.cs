using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The writer as the application's login writes: a reading is stored once however often and however concurrently it
/// arrives, counted once as written, and the database's microseconds decide what "the same time" is.
/// </summary>
public sealed class ReadingsStoredOnceTests : IntegrationTest
{
    [Test]
    public async Task Writers_racing_with_overlapping_batches_store_each_reading_once_and_count_it_once()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.CreateNodesAsync(Database);
        const int Readings = 120;
        var all = Enumerable.Range(0, Readings)
            .Select(i => new FlowReading(TelemetryScenario.Flow, now.AddMinutes(-Readings + i), 10, 50.0 * (i + 1)))
            .ToList();

        // Six writers, each with two thirds of the readings from a different start: every reading arrives four times.
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async w =>
        {
            await using var connection = await TelemetryScenario.OpenAsApplicationAsync(Database);
            return await TelemetryScenario.WriteAsSystemAsync(connection, [.. all.Where((_, i) => (i + w * Readings / 6) % Readings < Readings * 2 / 3)], now);
        }));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(results.Sum(r => r.Written), Is.EqualTo(Readings), "each reading written by exactly one writer");
            Assert.That(results.Sum(r => r.Duplicates), Is.EqualTo(Readings * 4 - Readings), "every other arrival counted a duplicate");
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_flow WHERE node_id = '{TelemetryScenario.Flow}'"),
                Is.EqualTo(Readings));
            Assert.That(await Database.ScalarAsync<double>($"SELECT sum(volume_delta_liters) FROM telemetry.telemetry_flow WHERE node_id = '{TelemetryScenario.Flow}'"),
                Is.EqualTo(50.0 * (Readings - 1)), "each increase from its true predecessor");
        });
    }

    [Test]
    public async Task Readings_apart_by_less_than_a_microsecond_are_one_reading()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.CreateNodesAsync(Database);
        var at = new DateTimeOffset(now.AddMinutes(-10).UtcTicks / 10 * 10, TimeSpan.Zero);
        await using var connection = await TelemetryScenario.OpenAsApplicationAsync(Database);

        var first = await TelemetryScenario.WriteAsSystemAsync(connection, [new TankReading(TelemetryScenario.Tank, at, 100), new TankReading(TelemetryScenario.Tank, at.AddTicks(3), 101)], now);
        var again = await TelemetryScenario.WriteAsSystemAsync(connection, [new TankReading(TelemetryScenario.Tank, at.AddTicks(7), 102)], now);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new WriteResult(2, 1, 1, 0, 0)), "the database keeps microseconds: the second is the first again");
            Assert.That(again, Is.EqualTo(new WriteResult(1, 0, 1, 0, 0)));
        });
        Assert.That(await Database.ScalarAsync<string>($"SELECT water_level_cm::text FROM telemetry.telemetry_tank WHERE node_id = '{TelemetryScenario.Tank}'"),
            Is.EqualTo("100"), "the first occurrence is kept");
    }
}
