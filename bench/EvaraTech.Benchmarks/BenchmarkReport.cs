using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvaraTech.Benchmarks;

/// <summary>
/// <c>./build.sh bench</c>: one report table of every benchmark, each figure beside its target. The host's own overhead
/// per request (routing, request id, envelope, mediator pipeline, exception handling) and the module benchmarks run
/// in-process, so their figures are the server's time, not the network's; the load test runs the platform as its own
/// process and measures from real clients.
/// </summary>
public static class BenchmarkReport
{
    /// <param name="args">
    /// none: the whole report; <c>alerts</c>, <c>realtime</c>, <c>ingestion</c>, <c>archive</c>, <c>mqtt</c>, <c>scale</c>, <c>backfill</c>, <c>events</c> or <c>load</c> (with <c>--reuse-data</c>,
    /// <c>--think-only</c> or <c>--saturation-only</c>): one part; <c>seed-perf</c>: only the production-equivalent data set
    /// </param>
    public static async Task Main(string[] args)
    {
        if (args is ["seed-perf"])
        {
            await SeedPerf.RecreateAsync();
            return;
        }

        // Outside a test project the factory finds the API's content root through this variable.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_EVARATECH_API", AppContext.BaseDirectory);
        IReadOnlyList<ReportLine> report = args switch
        {
            ["alerts"] => [.. Latencies([await AlertEvaluation.MeasureAsync(), .. await AlertLatency.MeasureAsync(Host), await AlertBacktest.MeasureAsync(Host)])],
            ["realtime"] => [.. Latencies(await RealtimeLatency.MeasureAsync(Host))],
            ["ingestion"] => await IngestionThroughput.MeasureAsync(Host),
            ["archive"] => await ArchiveThroughput.MeasureAsync(Host),
            ["mqtt"] => await MqttThroughput.MeasureAsync(Host),
            ["scale"] => await ScaleSimulation.MeasureAsync(Host),
            ["backfill"] => await BackfillMemory.MeasureAsync(),
            ["events"] => [.. Latencies(await EventPayloadCost.MeasureAsync(Host))],
            ["load", .. var options] => await LoadTest.RunAsync(
                options.Contains("--reuse-data"), thinkTime: !options.Contains("--saturation-only"), saturation: !options.Contains("--think-only")),
            [] => await EverythingAsync(),
            _ => throw new ArgumentException($"Unknown benchmark '{string.Join(' ', args)}': alerts, realtime, ingestion, archive, mqtt, scale, backfill, events, load or none for all."),
        };
        ReportLine.Print(report);
    }

    /// <summary>Every module's benchmarks, then the load test against the platform as its own process.</summary>
    private static async Task<IReadOnlyList<ReportLine>> EverythingAsync()
    {
        var figures = new List<LatencyRecorder.Figures>();
        await using (var database = await BenchDatabase.CreateAsync())
        await using (var api = Host(database, new Dictionary<string, string?>()))
        {
            using var client = api.CreateClient();
            figures.Add(await LatencyRecorder.MeasureAsync("GET /health/live (host overhead)", "p95 < 1 ms",
                async () => (await client.GetAsync("/health/live")).EnsureSuccessStatusCode()));
            figures.Add(await LatencyRecorder.MeasureAsync("GET /health/ready (one PostgreSQL round trip)", "p95 < 2 ms",
                async () => (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode()));
            figures.Add(await LatencyRecorder.MeasureAsync("POST /api/v1/auth/login invalid (validation envelope)", "p95 < 1 ms",
                async () => await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "x", password = "" })));
            figures.Add(await LatencyRecorder.MeasureAsync("GET unknown route (404 envelope)", "p95 < 1 ms",
                async () => await client.GetAsync("/api/v1/nowhere")));
            figures.Add(await AuditLatency.MeasureAsync(api.Services));
            figures.AddRange(await NodeQueries.MeasureAsync(database));
            figures.AddRange(await TelemetryQueries.MeasureAsync(database));
        }

        figures.Add(await AlertEvaluation.MeasureAsync());
        figures.AddRange(await AlertLatency.MeasureAsync(Host));
        figures.Add(await AlertBacktest.MeasureAsync(Host));
        figures.AddRange(await RealtimeLatency.MeasureAsync(Host));
        figures.AddRange(await EventPayloadCost.MeasureAsync(Host));
        return [.. Latencies(figures), .. await IngestionThroughput.MeasureAsync(Host), .. await ArchiveThroughput.MeasureAsync(Host), .. await MqttThroughput.MeasureAsync(Host),
            .. await BackfillMemory.MeasureAsync(),
            .. await LoadTest.RunAsync(reuseData: false)];
    }

    private static IEnumerable<ReportLine> Latencies(IEnumerable<LatencyRecorder.Figures> figures) => figures.Select(ReportLine.Latency);

    /// <summary>The API in-process on <paramref name="database"/>, with no job server (benchmarks run the jobs themselves).</summary>
    private static WebApplicationFactory<Program> Host(BenchDatabase database, IReadOnlyDictionary<string, string?> settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Benchmark");
            host.UseSetting("ConnectionStrings:Postgres", database.AppConnectionString);
            host.UseSetting("ConnectionStrings:PostgresAdmin", database.AdminConnectionString);
            host.UseSetting("Jobs:ServerEnabled", "false");
            host.UseSetting("Logging:LogLevel:Default", "Warning");
            host.UseSetting("Auth:Secret", "benchmark-only-secret-0123456789abcdef0123456789");
            host.UseSetting("Auth:LocalIssuerEnabled", "true");
            // The poll benchmark times a whole cycle run at once; the load test runs the platform's default spread.
            host.UseSetting("Polling:SpreadSeconds", "0");
            host.UseSetting("Mqtt:Mode", "off");
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });
}
