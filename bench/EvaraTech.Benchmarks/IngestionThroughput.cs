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
    private const int EntriesPerNode = 1_000;
    private const int EntriesPerCommand = 50;
    private const int Rounds = 7;
    private const int WarmUpRounds = 5;

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

        // Warm both paths up until the JIT has optimised them (tiered compilation recompiles a hot method after some
        // tens of calls, on a background thread that competes for the two cores), then alternate them round by round
        // (each round on hours of its own), so a noisy neighbour on this shared machine hits both alike; the medians
        // are reported. A pipeline round's events are handled (alert evaluation, realtime) before the COPY round
        // starts, so their work does not slow it; the COPY round writes the very rows the pipeline stored (every
        // column, derived level percentage included), a day later.
        var origin = DateTimeOffset.UtcNow.AddDays(-20);
        var pipeline = new List<Round>();
        var copy = new List<Round>();
        for (var round = -WarmUpRounds; round < Rounds; round++)
        {
            var start = origin.AddDays(round * 2);
            var pipelineRound = await PipelineRoundAsync(scopes, tanks, start, EntriesPerNode / EntriesPerCommand);
            await HandledAsync(services);
            var stored = await StoredRowsAsync(connection, start);
            var copyRound = await CopyRoundAsync(connection, tanks, stored, TimeSpan.FromDays(1), EntriesPerNode / EntriesPerCommand);
            if (round >= 0)
            {
                pipeline.Add(pipelineRound);
                copy.Add(copyRound);
            }
        }

        var pipelineRate = Median(pipeline.Select(r => r.Rate));
        var copyRate = Median(copy.Select(r => r.Rate));
        var batches = $"{Tanks} tanks × {EntriesPerCommand} entries a batch, {Streams} streams of their own tanks, median of {Rounds} rounds after {WarmUpRounds} to warm up";
        return
        [
            ReportLine.Value($"ingestion, whole pipeline ({batches})", Figures(pipeline), "≥ 50 % of raw COPY (below)"),
            ReportLine.Value($"ingestion, raw binary COPY of the same rows", Figures(copy), "the reference"),
            ReportLine.Value("ingestion, pipeline / raw COPY", string.Create(CultureInfo.InvariantCulture, $"{pipelineRate / copyRate:P0}"),
                "≥ 50 %", pipelineRate / copyRate >= 0.5),
        ];
    }

    /// <summary>A round's readings per second, and the CPU time the platform's process and PostgreSQL's spent on it.</summary>
    private sealed record Round(double Rate, TimeSpan PlatformCpu, TimeSpan PostgresCpu);

    private static string Figures(List<Round> rounds) => string.Create(CultureInfo.InvariantCulture,
        $"{Median(rounds.Select(r => r.Rate)):N0} readings/s (rounds {rounds.Min(r => r.Rate):N0}–{rounds.Max(r => r.Rate):N0}); CPU a reading: " +
        $"platform {Median(rounds.Select(r => r.PlatformCpu.TotalMicroseconds)) / (Readings(EntriesPerNode / EntriesPerCommand)):F1} µs, " +
        $"PostgreSQL {Median(rounds.Select(r => r.PostgresCpu.TotalMicroseconds)) / (Readings(EntriesPerNode / EntriesPerCommand)):F1} µs");

    /// <summary>Runs one round of <paramref name="batches"/> batches and measures it.</summary>
    private static async Task<Round> MeasureAsync(int batches, Func<Task> round)
    {
        var (platform, postgres) = (Environment.CpuUsage.TotalTime, PostgresCpu());
        var clock = Stopwatch.StartNew();
        await round();
        var took = clock.Elapsed;
        return new Round(Readings(batches) / took.TotalSeconds, Environment.CpuUsage.TotalTime - platform, PostgresCpu() - postgres);
    }

    private static TimeSpan PostgresCpu() => PostgresProcesses.CpuTimes().Values.Aggregate(TimeSpan.Zero, (sum, cpu) => sum + cpu);

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

    /// <summary>The round through <see cref="RecordTelemetryBatchCommand"/>, one transaction per batch.</summary>
    private static Task<Round> PipelineRoundAsync(IServiceScopeFactory scopes, IReadOnlyList<Guid[]> tanks, DateTimeOffset start, int batches)
    {
        // Built first: what is timed is the pipeline, from the entries as a poller hands them over.
        var commands = tanks.Select(t => Enumerable.Range(0, batches / Streams).Select(c => new RecordTelemetryBatchCommand(IngestionSources.Poll,
            [.. t.Select((node, n) => new NodeEntries(node, [.. Enumerable.Range(c * EntriesPerCommand, EntriesPerCommand).Select(i => Entry(start, n, i))]))])).ToList()).ToList();
        return MeasureAsync(batches, () => StreamsAsync(batches, (stream, batch) =>
            scopes.RunAsync(sp => sp.GetRequiredService<ISender>().Send(commands[stream][batch]).AsTask(), CancellationToken.None)));
    }

    /// <summary>
    /// The round of <paramref name="stored"/> (by tank and entry index), <paramref name="shift"/> later, by binary COPY
    /// straight into the table in the pipeline's batches, one transaction per batch.
    /// </summary>
    private static Task<Round> CopyRoundAsync(
        string connectionString, IReadOnlyList<Guid[]> streams, IReadOnlyDictionary<(Guid, int), object?[]> stored, TimeSpan shift, int batches)
    {
        var ct = CancellationToken.None;
        return MeasureAsync(batches, () => StreamsAsync(batches, async (stream, batch) =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var importer = await connection.BeginBinaryImportAsync($"COPY telemetry.telemetry_tank ({StoredColumns}) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var tank in streams[stream])
                {
                    for (var i = batch * EntriesPerCommand; i < (batch + 1) * EntriesPerCommand; i++)
                    {
                        var row = stored[(tank, i)];
                        importer.StartRow();
                        importer.Write((Guid)row[0]!);
                        importer.Write((DateTime)row[1]! + shift, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                        foreach (var value in row.Skip(2))
                        {
                            importer.Write(value);
                        }
                    }
                }

                await importer.CompleteAsync(ct);
            }

            await transaction.CommitAsync(ct);
        }));
    }

    /// <summary>The columns a pipeline round stored for the benchmark's tanks.</summary>
    private const string StoredColumns =
        "node_id, \"timestamp\", water_level_cm, water_level_percent, below_low_level, temperature_c, tds_ppm, ph, battery_voltage, rssi_dbm";

    /// <returns>the rows a pipeline round starting at <paramref name="start"/> stored, by tank and entry index</returns>
    private static async Task<IReadOnlyDictionary<(Guid, int), object?[]>> StoredRowsAsync(string connectionString, DateTimeOffset start)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"""
            SELECT {StoredColumns} FROM telemetry.telemetry_tank
            WHERE "timestamp" >= @Start AND "timestamp" < @Start + make_interval(mins => @Entries)
            """, connection);
        command.Parameters.AddWithValue("Start", start);
        command.Parameters.AddWithValue("Entries", EntriesPerNode);
        var rows = new Dictionary<(Guid, int), object?[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var column = 0; column < row.Length; column++)
            {
                row[column] = reader.IsDBNull(column) ? null : reader.GetValue(column);
            }

            rows[((Guid)row[0]!, (int)Math.Round(((DateTime)row[1]! - start.UtcDateTime).TotalMinutes))] = row;
        }

        return rows;
    }

    private static async Task HandledAsync(IServiceProvider services)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await services.GetRequiredService<OutboxDispatchQueue>().WhenIdleAsync(timeout.Token);
    }

    private static double Median(IEnumerable<double> values)
    {
        var ordered = values.Order().ToList();
        return ordered[ordered.Count / 2];
    }

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
