using System.Diagnostics;
using System.Globalization;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Simulator;
using EvaraTech.Testing;
using Mediator;
using Microsoft.AspNetCore.Builder;
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
    private const int LatencyMs = 200;
    private const int SimulatorIntervalSeconds = 10;

    public static async Task<IReadOnlyList<string>> MeasureAsync(Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        var lines = new List<string>();
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

    private static async Task<IReadOnlyList<string>> PipelineVersusCopyAsync(BenchDatabase database, IServiceProvider services)
    {
        // Every third simulated node is a tank: the first 100 of them.
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Tanks * 3);
        var tanks = await TankIdsAsync(database);
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        var scopes = services.GetRequiredService<IServiceScopeFactory>();

        var pipeline = Stopwatch.StartNew();
        for (var first = 0; first < EntriesPerNode; first += EntriesPerCommand)
        {
            var batch = tanks.Select((node, n) => new NodeEntries(node, [.. Enumerable.Range(first, EntriesPerCommand).Select(i => Entry(start, n, i))])).ToList();
            await scopes.RunAsync(sp => sp.GetRequiredService<ISender>().Send(new RecordTelemetryBatchCommand(IngestionSources.Poll, batch)).AsTask(),
                CancellationToken.None);
        }

        pipeline.Stop();

        // The same values one day later (a fresh key range), straight into the table in the same batches.
        var copy = Stopwatch.StartNew();
        await using (var connection = new NpgsqlConnection(database.AdminConnectionString))
        {
            await connection.OpenAsync();
            for (var first = 0; first < EntriesPerNode; first += EntriesPerCommand)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await using (var importer = await connection.BeginBinaryImportAsync("""
                    COPY telemetry.telemetry_tank (node_id, "timestamp", water_level_cm, temperature_c, tds_ppm, ph, battery_voltage, rssi_dbm)
                    FROM STDIN (FORMAT BINARY)
                    """))
                {
                    for (var n = 0; n < tanks.Count; n++)
                    {
                        for (var i = first; i < first + EntriesPerCommand; i++)
                        {
                            var (level, temperature, tds, ph, battery, rssi) = Values(n, i);
                            await importer.WriteRowAsync(CancellationToken.None, tanks[n], Entry(start, n, i).Timestamp.AddDays(1), level, temperature, tds, ph, battery, rssi);
                        }
                    }

                    await importer.CompleteAsync();
                }

                await transaction.CommitAsync();
            }
        }

        copy.Stop();
        var readings = Tanks * EntriesPerNode;
        var pipelineRate = readings / pipeline.Elapsed.TotalSeconds;
        var copyRate = readings / copy.Elapsed.TotalSeconds;
        return
        [
            $"ingestion: {readings:N0} tank readings, {Tanks} nodes × {EntriesPerCommand} entries per command (target: pipeline ≥ 50% of raw COPY)",
            $"  whole pipeline      {pipelineRate,10:N0} readings/s  ({pipeline.Elapsed.TotalSeconds:F2} s)",
            $"  raw binary COPY     {copyRate,10:N0} readings/s  ({copy.Elapsed.TotalSeconds:F2} s)",
            $"  pipeline / raw      {pipelineRate / copyRate,10:P0}",
        ];
    }

    private static async Task<string> PollCycleAsync(
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
            await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, nodes);
            var polling = api.Services.GetRequiredService<ThingSpeakPolling>();

            // The first cycle takes the short backfill; the one after is the steady state: every node due, one new entry or so.
            var first = await polling.RunAsync(CancellationToken.None);
            var wait = TimeSpan.FromSeconds(SimulatorIntervalSeconds) - first.Duration;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var cycle = await polling.RunAsync(CancellationToken.None);
            return $"poll cycle, {nodes,6:N0} nodes, {LatencyMs} ms per channel: {cycle.Duration.TotalSeconds,6:F1} s wall " +
                $"({cycle.Polled:N0} polled, {cycle.Failed} failed, {cycle.Stored:N0} readings; first cycle with backfill {first.Duration.TotalSeconds:F1} s; target < 60 s at 10,000)";
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
