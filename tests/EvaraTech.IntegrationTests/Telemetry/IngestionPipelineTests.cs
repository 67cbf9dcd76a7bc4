using System.Globalization;
using System.Text.Json;
using EvaraTech.Application.Persistence;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The one ingestion pipeline through the mediator, as the poller and the push endpoints run it: mappings, scale,
/// offset and calibration applied; bad entries kept with their reason while the rest land; a repeated batch stores
/// nothing twice; the node comes online and one event is published per batch.
/// </summary>
public sealed class IngestionPipelineTests : IntegrationTest
{
    [Test]
    public async Task A_batch_is_mapped_calibrated_validated_and_stored_once()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.ArrangeChannelTankAsync(Database, now);
        RawEntry[] entries =
        [
            Entry(now.AddMinutes(-3), 101, "1.5", "24.5"),
            Entry(now.AddMinutes(-2), 102, "abc", "24.5"),
            Entry(now.AddMinutes(-1), 103, "2.0", "NaN"),
            Entry(now.AddMinutes(-1).AddSeconds(30), 104, "2.5", null),
        ];

        var first = await SendAsync(entries);
        var again = await SendAsync(entries);

        await Assert.MultipleAsync(async () =>
        {
            // 102 is refused whole (its level is bad); 103 loses only its NaN temperature.
            Assert.That(first, Is.EqualTo(new BatchOutcome(TelemetryScenario.Tank, 4, 3, 0, 1, 1)));
            Assert.That(again, Is.EqualTo(new BatchOutcome(TelemetryScenario.Tank, 4, 0, 3, 1, 1)));
            // field1 × 100, then the linear calibration 0.5·x + 10.
            Assert.That(await Database.ScalarAsync<string>($"""
                SELECT string_agg(water_level_cm::text || '/' || coalesce(temperature_c::text, '-'), ',' ORDER BY "timestamp") FROM telemetry.telemetry_tank WHERE node_id = '{TelemetryScenario.Tank}'
                """), Is.EqualTo("85/24.5,110/-,135/-"));
            Assert.That(await Database.ScalarAsync<string>($"""
                SELECT string_agg(entry_id || ' ' || reason, ' | ' ORDER BY entry_id) FROM telemetry.telemetry_rejections WHERE node_id = '{TelemetryScenario.Tank}'
                """), Is.EqualTo("102 field1: 'abc' is not a number | 103 field2: 'NaN' is not a finite number"));
            Assert.That(await Database.ScalarAsync<string>($"""
                SELECT payload ->> 'field1' FROM telemetry.telemetry_rejections WHERE entry_id = 102
                """), Is.EqualTo("abc"), "the raw payload is kept");
            Assert.That(await Database.ScalarAsync<string>($"""
                SELECT status || ' ' || consecutive_failures FROM nodes.node_operational_state WHERE node_id = '{TelemetryScenario.Tank}'
                """), Is.EqualTo("Online 0"));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.ingestion_cursors"), Is.Zero, "only the poller moves its cursor");
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE event_type LIKE '%TelemetryBatchRecorded%'"),
                Is.EqualTo(1), "one event for the batch that stored readings, none for the repeat");
        });
    }

    [Test]
    public async Task A_failed_poll_counts_up_and_readings_reset_the_count()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.ArrangeChannelTankAsync(Database, now);
        using (var scope = SystemScope())
        {
            var state = scope.ServiceProvider.GetRequiredService<EvaraTech.Modules.Nodes.Contracts.INodeTelemetryState>();
            var db = scope.ServiceProvider.GetRequiredService<EvaraTech.Infrastructure.Database.DbSession>();
            await db.BeginAsync(CancellationToken.None);
            await state.RecordPollFailuresAsync([(TelemetryScenario.Tank, "timeout")], CancellationToken.None);
            await state.RecordPollFailuresAsync([(TelemetryScenario.Tank, "HTTP 500")], CancellationToken.None);
            await db.CommitAsync(CancellationToken.None);
        }

        var failing = await Database.ScalarAsync<string>($"SELECT consecutive_failures || ' ' || last_error FROM nodes.node_operational_state WHERE node_id = '{TelemetryScenario.Tank}'");
        await SendAsync([Entry(now.AddMinutes(-1), 1, "1", "20")]);

        Assert.That(failing, Is.EqualTo("2 HTTP 500"));
        Assert.That(await Database.ScalarAsync<string>($"SELECT consecutive_failures || ' ' || coalesce(last_error, '-') FROM nodes.node_operational_state WHERE node_id = '{TelemetryScenario.Tank}'"),
            Is.EqualTo("0 -"));
    }

    [Test]
    public async Task A_reading_repeated_inside_one_batch_is_stored_once_with_its_first_values()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.ArrangeChannelTankAsync(Database, now);
        var at = now.AddMinutes(-2);

        var outcome = await SendAsync([Entry(at, 1, "1", "20"), Entry(at, 2, "2", "21"), Entry(at.AddMinutes(1), 3, "3", "22")]);

        Assert.That(outcome, Is.EqualTo(new BatchOutcome(TelemetryScenario.Tank, 3, 2, 1, 0, 0)));
        Assert.That(await Database.ScalarAsync<string>($"""
            SELECT string_agg(water_level_cm::text, ',' ORDER BY "timestamp") FROM telemetry.telemetry_tank WHERE node_id = '{TelemetryScenario.Tank}'
            """), Is.EqualTo("60,160"), "the first of the two at the same time (1 × 100, calibrated), then the next");
    }

    /// <summary>
    /// A push's or a poll's few readings travel in their event, equal to what the reader would read back (reals to
    /// their stored precision, times to the microsecond), so evaluation reads nothing; a back-fill's many do not.
    /// </summary>
    [Test]
    public async Task A_small_batch_event_carries_its_readings_as_stored_and_a_large_one_none()
    {
        var now = DateTimeOffset.UtcNow;
        await TelemetryScenario.ArrangeChannelTankAsync(Database, now);
        var small = Enumerable.Range(0, TelemetryBatchRecorded.CarriedReadings)
            .Select(i => Entry(now.AddMinutes(-200 + i).AddTicks(1234567), i + 1, (1.23457 + i / 7.0).ToString("R", CultureInfo.InvariantCulture), "24.3")).ToList();
        var large = Enumerable.Range(0, TelemetryBatchRecorded.CarriedReadings + 1)
            .Select(i => Entry(now.AddMinutes(-100 + i), i + 100, "1.5", null)).ToList();

        await SendAsync(small);
        await SendAsync(large);

        var events = await BatchEventsAsync();
        var smallEvent = events.Single(e => e.Stored == small.Count);
        IReadOnlyList<StoredReading> readBack;
        using (var scope = SystemScope())
        {
            readBack = await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().RunAsync(() =>
                scope.ServiceProvider.GetRequiredService<ITelemetryBatchReader>().ReadAsync(TelemetryScenario.Tank, "tank", smallEvent.From, smallEvent.To, CancellationToken.None),
                CancellationToken.None);
        }

        Assert.Multiple(() =>
        {
            Assert.That(smallEvent.Readings, Has.Count.EqualTo(small.Count));
            Assert.That(smallEvent.Readings!.Select(r => r.At), Is.EqualTo(readBack.Select(r => r.At)));
            Assert.That(smallEvent.Readings!.Select(r => r.Values.Keys.Order()), Has.All.EquivalentTo(new[] { "temperature_c", "water_level_cm", "water_level_percent" }));
            Assert.That(smallEvent.Readings!.Select(r => r.Values.OrderBy(v => v.Key)),
                Is.EqualTo(readBack.Select(r => r.Values.Where(v => smallEvent.Readings![0].Values.ContainsKey(v.Key)).OrderBy(v => v.Key))),
                "each metric exactly as the database gives it back");
            Assert.That(events.Single(e => e.Stored == large.Count).Readings, Is.Null, "over the limit: consumers read them");
        });
    }

    private static async Task<List<TelemetryBatchRecorded>> BatchEventsAsync()
    {
        var payloads = await Database.ScalarAsync<string>("SELECT json_agg(payload)::text FROM integration.outbox WHERE event_type LIKE '%TelemetryBatchRecorded%'");
        return JsonSerializer.Deserialize<List<TelemetryBatchRecorded>>(payloads!, OutboxDispatcher.Json)!;
    }

    private static RawEntry Entry(DateTimeOffset at, long id, string? field1, string? field2) =>
        new(at, id, new Dictionary<string, string?> { ["field1"] = field1, ["field2"] = field2 });

    private static IServiceScope SystemScope()
    {
        var scope = Platform.Api.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        return scope;
    }

    private static async Task<BatchOutcome> SendAsync(IReadOnlyList<RawEntry> entries)
    {
        using var scope = SystemScope();
        return (await scope.ServiceProvider.GetRequiredService<ISender>()
            .Send(new RecordTelemetryBatchCommand(TelemetryScenario.Tank, IngestionSources.Poll, entries))).Single();
    }
}
