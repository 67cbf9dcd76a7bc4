using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The host's own overhead per request (routing, request id, envelope, mediator pipeline, exception handling),
/// measured in-process so the figures are the server's time, not the network's. Module benchmarks join this report.
/// </summary>
public static class BenchmarkReport
{
    public static async Task Main(string[] args)
    {
        if (args is ["seed-perf"])
        {
            await SeedPerf.RunAsync();
            return;
        }

        // Outside a test project the factory finds the API's content root through this variable.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_EVARATECH_API", AppContext.BaseDirectory);
        if (args is ["alerts"])
        {
            Print([await AlertEvaluation.MeasureAsync(), .. await AlertLatency.MeasureAsync(Host)]);
            return;
        }

        if (args is ["realtime"])
        {
            Print(await RealtimeLatency.MeasureAsync(Host));
            return;
        }

        if (args is ["ingestion"])
        {
            PrintIngestion(await IngestionThroughput.MeasureAsync(Host));
            return;
        }

        await using var database = await BenchDatabase.CreateAsync();
        await using var api = Host(database, new Dictionary<string, string?>());
        using var client = api.CreateClient();

        var figures = new List<LatencyRecorder.Figures>
        {
            await LatencyRecorder.MeasureAsync("GET /health/live (host overhead)", "p95 < 1 ms",
                async () => (await client.GetAsync("/health/live")).EnsureSuccessStatusCode()),
            await LatencyRecorder.MeasureAsync("GET /health/ready (one PostgreSQL round trip)", "p95 < 2 ms",
                async () => (await client.GetAsync("/health/ready")).EnsureSuccessStatusCode()),
            await LatencyRecorder.MeasureAsync("POST /api/v1/auth/login invalid (validation envelope)", "p95 < 1 ms",
                async () => await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "x", password = "" })),
            await LatencyRecorder.MeasureAsync("GET unknown route (404 envelope)", "p95 < 1 ms",
                async () => await client.GetAsync("/api/v1/nowhere")),
        };

        figures.Add(await AuditLatency.MeasureAsync(api.Services));
        figures.AddRange(await NodeQueries.MeasureAsync(database));
        figures.AddRange(await TelemetryQueries.MeasureAsync(database));
        figures.Add(await AlertEvaluation.MeasureAsync());
        figures.AddRange(await AlertLatency.MeasureAsync(Host));
        figures.AddRange(await RealtimeLatency.MeasureAsync(Host));
        var ingestion = await IngestionThroughput.MeasureAsync(Host);

        Print(figures);
        PrintIngestion(ingestion);
    }

    private static void Print(IReadOnlyList<LatencyRecorder.Figures> figures)
    {
        Console.WriteLine();
        Console.WriteLine($"EvaraTech benchmarks — {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"{"benchmark",-62} {"samples",8} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}  target");
        foreach (var f in figures)
        {
            Console.WriteLine($"{f.Name,-62} {f.Samples,8} {f.P50,9:F3} {f.P95,9:F3} {f.P99,9:F3} {f.Max,9:F3}  {f.Target}");
        }
    }

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
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }
        });

    private static void PrintIngestion(IReadOnlyList<string> lines)
    {
        Console.WriteLine();
        Console.WriteLine($"Ingestion — {Environment.ProcessorCount} cores (the simulator runs on the same machine)");
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }
}
