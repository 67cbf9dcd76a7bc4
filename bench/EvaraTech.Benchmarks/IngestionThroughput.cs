using System.Diagnostics;
using System.Globalization;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Simulator;
using EvaraTech.TestSupport;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// Ingestion throughput, in one run: readings per second through the whole pipeline (<see cref="RecordTelemetryBatchCommand"/>
/// in groups of nodes, as a poll cycle records them: mapping, calibration, validation, COPY to staging, insert,
/// latest values, device state, cursors, node state, events) against a raw binary COPY of the same rows into the same
/// table; then the wall time of one steady-state poll cycle for 1,000 and for 10,000 nodes against the simulator
/// answering every channel 200 ms late, at the default concurrency.
/// </summary>
public static class IngestionThroughput
{
    private const int Tanks = 100;
    private const int EntriesPerNode = 500;
    private const int EntriesPerCommand = 50;
    private const int Rounds = 5;

    /// <summary>Streams of batches written at once, by either path: as many as the machine has cores (a poll cycle runs 8 writers).</summary>
    private static readonly int Streams = Environment.ProcessorCount;
    private const int LatencyMs = 200;
    private const int SimulatorIntervalSeconds = 10;

    public static async Task<IReadOnlyList<ReportLine>> MeasureAsync(Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        var lines = new List<ReportLine>();
        await using (var database = await BenchDatabase.CreateAsync())
        await using (var api = host(database, new Dictionary<string, string?>()))
        {
            _ = api.Server; // migrates
            lines.AddRange(await PipelineVersusCopyAsync(database, api.Services));
        }

        foreach (var nodes in new[] { 1_000, 10_000 })
        {
            await using var database = await BenchDatabase.CreateAsync();
            lines.Add(await PollCycleAsync(database, host, nodes));
        }

        return lines;
    }

    private static async Task<IReadOnlyList<ReportLine>> PipelineVersusCopyAsync(BenchDatabase database, IServiceProvider services)
    {
        // Every third simulated node is a tank: 100 for each stream.
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Tanks * Streams * 3, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
        var tanks = (await TankIdsAsync(database)).Chunk(Tanks).ToList();
        var scopes = services.GetRequiredService<IServiceScopeFactory>();
        var connection = database.AdminConnectionString;

        // Warm both paths up, then alternate them round by round (each round on hours of its own), so a noisy
        // neighbour on this shared machine hits both alike; the medians are reported. A pipeline round's events are
        // handled (alert evaluation, realtime) before the next round starts, so their work does not slow the COPY
        // round that follows.
        var origin = DateTimeOffset.UtcNow.AddDays(-20);
        await PipelineRoundAsync(scopes, tanks, origin.AddDays(-1), EntriesPerNode / EntriesPerCommand);
        await HandledAsync(services);
        await CopyRoundAsync(connection, tanks, origin.AddDays(-2), EntriesPerNode / EntriesPerCommand);
        var pipeline = new List<double>();
        var copy = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            pipeline.Add(await PipelineRoundAsync(scopes, tanks, origin.AddDays(round * 2), EntriesPerNode / EntriesPerCommand));
            await HandledAsync(services);
            copy.Add(await CopyRoundAsync(connection, tanks, origin.AddDays(round * 2 + 1), EntriesPerNode / EntriesPerCommand));
        }

        var pipelineRate = Median(pipeline);
        var copyRate = Median(copy);
        var batches = $"{Tanks} tanks × {EntriesPerCommand} entries a batch, {Streams} streams of their own tanks, median of {Rounds} rounds";
        return
        [
            ReportLine.Value($"ingestion, whole pipeline ({batches})", string.Create(CultureInfo.InvariantCulture, $"{pipelineRate:N0} readings/s (rounds {pipeline.Min():N0}–{pipeline.Max():N0})"),
                "≥ 50 % of raw COPY (below)"),
            ReportLine.Value($"ingestion, raw binary COPY of the same rows", string.Create(CultureInfo.InvariantCulture, $"{copyRate:N0} readings/s (rounds {copy.Min():N0}–{copy.Max():N0})"),
                "the reference"),
            ReportLine.Value("ingestion, pipeline / raw COPY", string.Create(CultureInfo.InvariantCulture, $"{pipelineRate / copyRate:P0}"),
                "≥ 50 %", pipelineRate / copyRate >= 0.5),
        ];
    }

    /// <summary>
    /// The round's batches, <paramref name="batches"/> in all, as <see cref="Streams"/> streams of batches one after another,
    /// each stream on tanks of its own: as a poll cycle's writers and devices send them (two batches of one node at once
    /// are rare, and the writer makes them wait for each other).
    /// </summary>
    private static Task StreamsAsync(int batches, Func<int, int, Task> write) =>
        Task.WhenAll(Enumerable.Range(0, Streams).Select(async stream =>
        {
            for (var batch = 0; batch < batches / Streams; batch++)
            {
                await write(stream, batch);
            }
        }));

    private static int Readings(int batches) => batches / Streams * Streams * Tanks * EntriesPerCommand;

    /// <returns>readings per second through <see cref="RecordTelemetryBatchCommand"/>, one transaction per batch</returns>
    private static async Task<double> PipelineRoundAsync(IServiceScopeFactory scopes, IReadOnlyList<Guid[]> tanks, DateTimeOffset start, int batches)
    {
        // Built first: what is timed is the pipeline, from the entries as a poller hands them over.
        var commands = tanks.Select(t => Enumerable.Range(0, batches / Streams).Select(c => new RecordTelemetryBatchCommand(IngestionSources.Poll,
            [.. t.Select((node, n) => new NodeEntries(node, [.. Enumerable.Range(c * EntriesPerCommand, EntriesPerCommand).Select(i => Entry(start, n, i))]))])).ToList()).ToList();
        var clock = Stopwatch.StartNew();
        await StreamsAsync(batches, (stream, batch) =>
            scopes.RunAsync(sp => sp.GetRequiredService<ISender>().Send(commands[stream][batch]).AsTask(), CancellationToken.None));

        return Readings(batches) / clock.Elapsed.TotalSeconds;
    }

    /// <returns>readings per second of the same rows, typed already, by binary COPY straight into the table, one transaction per batch</returns>
    private static async Task<double> CopyRoundAsync(string connectionString, IReadOnlyList<Guid[]> streams, DateTimeOffset start, int batches)
    {
        var clock = Stopwatch.StartNew();
        var ct = CancellationToken.None;
        await StreamsAsync(batches, async (stream, batch) =>
        {
            var tanks = streams[stream];
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var importer = await connection.BeginBinaryImportAsync("""
                COPY telemetry.telemetry_tank (node_id, "timestamp", water_level_cm, temperature_c, tds_ppm, ph, battery_voltage, rssi_dbm)
                FROM STDIN (FORMAT BINARY)
                """))
            {
                for (var n = 0; n < tanks.Length; n++)
                {
                    for (var i = batch * EntriesPerCommand; i < (batch + 1) * EntriesPerCommand; i++)
                    {
                        var (level, temperature, tds, ph, battery, rssi) = Values(n, i);
                        await importer.WriteRowAsync(ct, tanks[n], start.AddMinutes(i), level, temperature, tds, ph, battery, rssi);
                    }
                }

                await importer.CompleteAsync(ct);
            }

            await transaction.CommitAsync(ct);
        });

        return Readings(batches) / clock.Elapsed.TotalSeconds;
    }

    private static async Task HandledAsync(IServiceProvider services)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await services.GetRequiredService<OutboxDispatchQueue>().WhenIdleAsync(timeout.Token);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static async Task<ReportLine> PollCycleAsync(
        BenchDatabase database, Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host, int nodes)
    {
        var simulator = SimulatorHost.Build(["--urls", "http://127.0.0.1:0", "--channels", $"{nodes}", "--interval", $"{SimulatorIntervalSeconds}",
            "--history-days", "1", "--latency", $"{LatencyMs}"]);
        await simulator.StartAsync();
        try
        {
            await using var api = host(database, new Dictionary<string, string?>
            {
                ["ThingSpeak:BaseUrl"] = simulator.Urls.Single() + "/",
                ["Polling:IntervalSeconds"] = $"{SimulatorIntervalSeconds}",
                ["Polling:BackfillHours"] = "0.01",
            });
            _ = api.Server;
            await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, nodes, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
            var polling = api.Services.GetRequiredService<ThingSpeakPolling>();

            // The first cycle takes the short backfill; the one after is the steady state: every node due, one new entry or so.
            var first = await polling.RunAsync(CancellationToken.None);
            var wait = TimeSpan.FromSeconds(SimulatorIntervalSeconds) - first.Duration;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var cycle = await polling.RunAsync(CancellationToken.None);
            return ReportLine.Value($"poll cycle, {nodes:N0} nodes, simulator {LatencyMs} ms per channel (steady state)", string.Create(CultureInfo.InvariantCulture,
                    $"{cycle.Duration.TotalSeconds:F1} s ({cycle.Polled:N0} polled, {cycle.Failed} failed, {cycle.Stored:N0} readings; first with backfill {first.Duration.TotalSeconds:F1} s)"),
                "< 60 s", cycle.Duration < TimeSpan.FromSeconds(60) && cycle.Failed == 0);
        }
        finally
        {
            await simulator.StopAsync();
            await simulator.DisposeAsync();
        }
    }

    private static RawEntry Entry(DateTimeOffset start, int node, int index)
    {
        var (level, temperature, tds, ph, battery, rssi) = Values(node, index);
        return new RawEntry(start.AddMinutes(index), index + 1, new Dictionary<string, string?>
        {
            ["field1"] = level.ToString(CultureInfo.InvariantCulture),
            ["field2"] = temperature.ToString(CultureInfo.InvariantCulture),
            ["field3"] = tds.ToString(CultureInfo.InvariantCulture),
            ["field4"] = ph.ToString(CultureInfo.InvariantCulture),
            ["field5"] = battery.ToString(CultureInfo.InvariantCulture),
            ["field6"] = rssi.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static (float Level, float Temperature, int Tds, float Ph, float Battery, short Rssi) Values(int node, int index) =>
        (100 + (node + index) % 200, 20 + index % 10 * 0.5f, 300 + index % 50, 7 + index % 4 * 0.25f, 3.5f + index % 5 * 0.125f, (short)(-70 - index % 20));

    private static async Task<List<Guid>> TankIdsAsync(BenchDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id FROM nodes.nodes WHERE analytics_type = 'EvaraTank' ORDER BY node_key", connection);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
