using System.Diagnostics;
using System.Globalization;
using Dapper;
using EvaraTech.Simulator;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// <c>./build.sh bench --only=load</c>: the dashboard users' scenario (weighted endpoints, think time) against the platform as users run it. The
/// production-equivalent data set (<see cref="SeedPerf"/>: 1,000 nodes, 10M readings, 50,000 alerts, 100 users) is
/// recreated; the ThingSpeak simulator serves every node's channel; the API runs as its own process from the Release
/// build with <c>./build.sh run</c>'s settings (Development, Redis, the Hangfire server and its pollers). Then:
/// <list type="number">
/// <item>think time: 100 users of all three roles and 14 tenants, each logged in once, loop over the dashboard (weight 3),
/// the node list (2) and the alert list (1) with 1–3 s between requests (Locust's <c>between(1, 3)</c>);</item>
/// <item>saturation: the same users with no think time, in steps of more users, to find the throughput.</item>
/// </list>
/// Warm-up requests are excluded; latency is the client's, from sending to the last byte read.
/// </summary>
public static class LoadTest
{
    private const int ApiPort = 5081;
    private const int SimulatorPort = 5091;

    private static readonly TimeSpan ThinkWarmUp = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ThinkMeasured = TimeSpan.FromSeconds(120);
    private static readonly (TimeSpan, TimeSpan) Think = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3));
    private static readonly int[] SaturationSteps = [8, 16, 32, 64, 100];
    private static readonly TimeSpan StepWarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StepMeasured = TimeSpan.FromSeconds(15);

    /// <summary>Per-endpoint targets (dashboard, nodes, alerts), as docs/PERFORMANCE.md lists them.</summary>
    private static readonly string[] ThinkTargets = ["p95 < 10 ms", "p95 < 25 ms", "p95 < 25 ms"];

    private const double SaturationRpsTarget = 1_500;
    private const double SaturationP99TargetMs = 100;

    /// <param name="reuseData">keep an existing <see cref="SeedPerf.DatabaseName"/> (minutes old at most, or polling back-fills the gap)</param>
    public static async Task<IReadOnlyList<ReportLine>> RunAsync(bool reuseData, bool thinkTime = true, bool saturation = true)
    {
        var database = reuseData ? BenchDatabase.Existing(SeedPerf.DatabaseName) : await SeedPerf.RecreateAsync();
        var emails = await PlatformSeed.LoadUsersAsync(database.AdminConnectionString);

        var simulator = SimulatorHost.Build(["--urls", $"http://127.0.0.1:{SimulatorPort}", "--channels", "3000"]);
        await simulator.StartAsync();
        try
        {
            using var api = await PlatformProcess.StartAsync($"http://127.0.0.1:{ApiPort}", database.PlatformSettings($"http://127.0.0.1:{SimulatorPort}/"), "load-api");
            var started = DateTimeOffset.UtcNow;
            await WaitForFirstPollAsync(database, started);
            var users = emails.Select((_, i) => new VirtualUser(i, api.BaseAddress)).ToList();
            try
            {
                await Parallel.ForEachAsync(users.Zip(emails), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                    async (pair, _) => await pair.First.LoginAsync(pair.Second, PlatformSeed.LoadUserPassword));
                Console.WriteLine($"load test: {users.Count} users logged in; think-time profile for {ThinkWarmUp + ThinkMeasured:g}");

                var lines = new List<ReportLine>();
                if (thinkTime)
                {
                    var cpuBefore = Cpu(api);
                    var think = await ProfileAsync(users, ThinkWarmUp, ThinkMeasured, Think);
                    var thinkCpu = CpuSince(api, cpuBefore);
                    for (var e = 0; e < VirtualUser.Endpoints.Length; e++)
                    {
                        lines.Add(ReportLine.Latency(LatencyRecorder.Summarise($"load, {users.Count} users, think 1-3 s: {VirtualUser.Endpoints[e].Name}",
                            ThinkTargets[e], think.Where(s => s.Endpoint == e && s.Succeeded).Select(s => s.Milliseconds))));
                    }

                    lines.Add(Throughput($"load, {users.Count} users, think 1-3 s: all requests", think, ThinkMeasured, thinkCpu, "error rate 0", errorsAllowed: false));
                }

                var best = (Rps: 0.0, P99: 0.0, Users: 0);
                foreach (var step in SaturationSteps.Where(s => saturation && s <= users.Count))
                {
                    var cpuBefore = Cpu(api);
                    var samples = await ProfileAsync(users.Take(step).ToList(), StepWarmUp, StepMeasured, think: null);
                    var cpu = CpuSince(api, cpuBefore);
                    var figures = LatencyRecorder.Summarise($"saturation, {step,3} users, no think time", "a step of the search below",
                        samples.Select(s => s.Milliseconds));
                    var rps = samples.Count / StepMeasured.TotalSeconds;
                    lines.Add(ReportLine.Latency(figures));
                    lines.Add(Throughput($"saturation, {step,3} users, no think time: throughput", samples, StepMeasured, cpu, "error rate 0", errorsAllowed: false));
                    if (figures.P99 < SaturationP99TargetMs && rps > best.Rps)
                    {
                        best = (rps, figures.P99, step);
                    }
                }

                if (saturation)
                {
                    lines.Add(ReportLine.Value("saturation throughput with p99 < 100 ms", string.Create(CultureInfo.InvariantCulture,
                        $"{best.Rps:N0} req/s ({best.Users} users, p99 {best.P99:F1} ms)"), "≥ 1,500 req/s with p99 < 100 ms", best.Rps >= SaturationRpsTarget));
                }

                var peak = api.PeakMemoryBytes;
                lines.Add(ReportLine.Value("API process peak memory (VmHWM) over the load test", $"{peak / 1024.0 / 1024.0:N0} MiB", "< 1 GiB", peak < 1L << 30));
                var (polled, nodes) = (await NodesPolledSinceAsync(database, started), await NodeCountAsync(database));
                lines.Add(ReportLine.Value("nodes polled from the simulator during the load test", $"{polled:N0} of {nodes:N0}", "every node", polled == nodes));
                return lines;
            }
            finally
            {
                users.ForEach(u => u.Dispose());
            }
        }
        finally
        {
            await simulator.StopAsync();
            await simulator.DisposeAsync();
        }
    }

    private static (TimeSpan Api, IReadOnlyDictionary<int, TimeSpan> Database) Cpu(PlatformProcess api) => (api.CpuTime, PostgresProcesses.CpuTimes());

    private static (TimeSpan Api, TimeSpan Database) CpuSince(PlatformProcess api, (TimeSpan Api, IReadOnlyDictionary<int, TimeSpan> Database) before)
    {
        var (apiNow, databaseNow) = Cpu(api);
        var database = databaseNow.Aggregate(TimeSpan.Zero, (sum, process) => sum + process.Value - before.Database.GetValueOrDefault(process.Key));
        return (apiNow - before.Api, database);
    }

    /// <returns>the samples that started inside the measured window</returns>
    private static async Task<List<LoadSample>> ProfileAsync(IReadOnlyList<VirtualUser> users, TimeSpan warmUp, TimeSpan measured, (TimeSpan, TimeSpan)? think)
    {
        foreach (var user in users)
        {
            user.Samples.Clear();
        }

        var from = Stopwatch.GetTimestamp() + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
        var until = from + (long)(measured.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(users.Select(u => Task.Run(() => u.RunAsync(until, think))));
        return [.. users.SelectMany(u => u.Samples).Where(s => s.StartedAt >= from && s.StartedAt < until)];
    }

    private static ReportLine Throughput(string name, IReadOnlyCollection<LoadSample> samples, TimeSpan measured, (TimeSpan Api, TimeSpan Database) cpu, string target, bool errorsAllowed)
    {
        var errors = samples.Count(s => !s.Succeeded);
        var rate = samples.Count == 0 ? 0 : (double)errors / samples.Count;
        return ReportLine.Value(name, string.Create(CultureInfo.InvariantCulture,
                $"{samples.Count / measured.TotalSeconds:N0} req/s, {samples.Count:N0} requests, {errors} errors ({rate:P2}), CPU per request: API {cpu.Api.TotalMilliseconds / Math.Max(1, samples.Count):F2} ms, PostgreSQL {cpu.Database.TotalMilliseconds / Math.Max(1, samples.Count):F2} ms"),
            target, errorsAllowed ? null : errors == 0);
    }

    /// <summary>
    /// The first poll cycle back-fills a week of the demo nodes (and whatever the data set's end left): the profiles
    /// measure the steady state after it, as a platform that has been running for a while serves its users.
    /// </summary>
    private static async Task WaitForFirstPollAsync(BenchDatabase database, DateTimeOffset started)
    {
        var nodes = await NodeCountAsync(database);
        var clock = Stopwatch.StartNew();
        while (await NodesPolledSinceAsync(database, started) < nodes)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(4))
            {
                throw new TimeoutException("The pollers did not reach every node within 4 minutes of start.");
            }

            await Task.Delay(1000);
        }

        Console.WriteLine($"load test: every node polled once after {clock.Elapsed.TotalSeconds:F0} s");
    }

    private static async Task<long> NodesPolledSinceAsync(BenchDatabase database, DateTimeOffset since)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM nodes.node_operational_state WHERE last_telemetry_sync >= @Since", new { Since = since });
    }

    private static async Task<long> NodeCountAsync(BenchDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM nodes.nodes");
    }
}
