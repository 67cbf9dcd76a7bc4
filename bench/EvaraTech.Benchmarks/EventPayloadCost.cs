using System.Globalization;
using System.Text.Json;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.TestSupport;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// Whether <see cref="TelemetryBatchRecorded"/> should carry its readings instead of alert evaluation reading them
/// back: the extra cost of publishing an event with its readings (serialising them into the outbox row, inside the
/// batch's transaction, paid for every batch) against the read it would save (a key-range read of the node's table,
/// paid only for nodes whose owner has rules that apply), for a pushed reading and for a poll's 50.
/// </summary>
public static class EventPayloadCost
{
    private const int StoredReadings = 20_000;

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(
        Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var api = host(database, new Dictionary<string, string?>());
        _ = api.Server;
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, 1, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
        var tank = await TankAsync(database);
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        var start = DateTimeOffset.UtcNow.AddDays(-20);
        foreach (var chunk in Enumerable.Range(0, StoredReadings).Chunk(1_000))
        {
            var command = new RecordTelemetryBatchCommand(tank, IngestionSources.Poll, [.. chunk.Select(i => new RawEntry(start.AddMinutes(i), i + 1,
                new Dictionary<string, string?> { ["field1"] = (100 + i % 150).ToString(CultureInfo.InvariantCulture), ["field2"] = "24.5", ["field5"] = "3.7" }))]);
            await scopes.RunAsync(sp => sp.GetRequiredService<ISender>().Send(command).AsTask(), CancellationToken.None);
        }

        var figures = new List<LatencyRecorder.Figures>();
        using var scope = scopes.CreateScope();
        var reader = scope.ServiceProvider.GetRequiredService<ITelemetryBatchReader>();
        await using var outbox = new NpgsqlConnection(database.AppConnectionString);
        await outbox.OpenAsync();
        await using var transaction = await outbox.BeginTransactionAsync();
        var random = new Random(7);
        foreach (var size in new[] { 1, 50 })
        {
            DateTimeOffset From() => start.AddMinutes(random.Next(StoredReadings - size));
            var sample = await reader.ReadAsync(tank, "tank", start, start.AddMinutes(size - 1), CancellationToken.None);
            figures.Add(await LatencyRecorder.MeasureAsync($"event consumer re-reads the batch: {size} reading(s) (ITelemetryBatchReader.ReadAsync)", "compare below",
                async () =>
                {
                    var from = From();
                    await reader.ReadAsync(tank, "tank", from, from.AddMinutes(size - 1), CancellationToken.None);
                }, warmup: 100, samples: 1_000));
            figures.Add(await LatencyRecorder.MeasureAsync($"event published with ids and time span only ({size} reading(s) stored)", "the platform's choice",
                () => PublishAsync(outbox, transaction, Event(tank, size, null)), warmup: 100, samples: 1_000));
            figures.Add(await LatencyRecorder.MeasureAsync($"event published carrying its {size} reading(s)", "compare above",
                () => PublishAsync(outbox, transaction, Event(tank, size, sample)), warmup: 100, samples: 1_000));
        }

        await transaction.RollbackAsync();
        return figures;
    }

    private static object Event(Guid tank, int size, IReadOnlyList<StoredReading>? readings)
    {
        var batch = new TelemetryBatchRecorded(Guid.CreateVersion7(), DateTimeOffset.UtcNow, tank, SimulatedNodes.Distributor, "tank", size,
            DateTimeOffset.UtcNow.AddMinutes(-size), DateTimeOffset.UtcNow);
        return readings is null ? batch : new { batch.EventId, batch.OccurredAt, batch.NodeId, batch.OwnerDistributorId, batch.TelemetryType, batch.Stored, batch.From, batch.To, Readings = readings };
    }

    /// <summary>What publishing costs the batch's transaction: serialising the event and inserting its outbox row.</summary>
    private static async Task PublishAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, object integrationEvent)
    {
        await using var insert = new NpgsqlCommand(
            "INSERT INTO integration.outbox (id, event_type, payload, occurred_at) VALUES (@Id, 'TelemetryBatchRecorded', @Payload::jsonb, now())",
            connection, transaction);
        insert.Parameters.AddWithValue("Id", Guid.CreateVersion7());
        insert.Parameters.AddWithValue("Payload", JsonSerializer.Serialize(integrationEvent, OutboxDispatcher.Json));
        await insert.ExecuteNonQueryAsync();
    }

    private static async Task<Guid> TankAsync(BenchDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM nodes.nodes WHERE analytics_type = 'EvaraTank' LIMIT 1", connection);
        return (Guid)(await command.ExecuteScalarAsync())!;
    }
}
