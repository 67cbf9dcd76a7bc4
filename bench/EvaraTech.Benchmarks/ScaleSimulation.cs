using System.Globalization;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Simulator;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The fleet arithmetic of docs/SCALING.md checked on this machine: three API instances on one PostgreSQL share the
/// poll cycles of 30,000 simulated channels answering 200 ms late (each node polled by one instance per cycle).
/// </summary>
public static class ScaleSimulation
{
    private const int Nodes = 30_000;
    private const int Instances = 3;
    private const int LatencyMs = 200;
    private const int SimulatorIntervalSeconds = 10;

    public static async Task<IReadOnlyList<ReportLine>> MeasureAsync(Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        var simulator = SimulatorHost.Build(["--urls", "http://127.0.0.1:0", "--channels", $"{Nodes}", "--interval", $"{SimulatorIntervalSeconds}",
            "--history-days", "1", "--latency", $"{LatencyMs}"]);
        await simulator.StartAsync();
        await using var database = await BenchDatabase.CreateAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ThingSpeak:BaseUrl"] = simulator.Urls.Single() + "/",
            ["Polling:IntervalSeconds"] = $"{SimulatorIntervalSeconds}",
            ["Polling:BackfillHours"] = "0.01",
        };
        var instances = new List<WebApplicationFactory<Program>>();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                var instance = host(database, settings);
                _ = instance.Server; // the first migrates before the next starts
                instances.Add(instance);
            }

            await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Nodes, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
            var pollers = instances.Select(i => i.Services.GetRequiredService<ThingSpeakPolling>()).ToList();

            // The first cycles take the short backfill; the ones after are the steady state.
            var first = await Task.WhenAll(pollers.Select(p => p.RunAsync(CancellationToken.None)));
            var wait = TimeSpan.FromSeconds(SimulatorIntervalSeconds) - first.Max(c => c.Duration);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            var steady = await Task.WhenAll(pollers.Select(p => p.RunAsync(CancellationToken.None)));
            var polled = steady.Sum(c => c.Polled);
            var failed = steady.Sum(c => c.Failed);
            var duration = steady.Max(c => c.Duration);
            return
            [
                ReportLine.Value($"poll cycle, {Nodes:N0} nodes over {Instances} instances, simulator {LatencyMs} ms per channel (steady state)",
                    string.Create(CultureInfo.InvariantCulture,
                        $"{duration.TotalSeconds:F1} s ({polled:N0} polled: {string.Join(" + ", steady.Select(c => c.Polled.ToString("N0", CultureInfo.InvariantCulture)))}; {failed} failed; first with backfill {first.Max(c => c.Duration).TotalSeconds:F1} s)"),
                    "< 60 s, every node once", duration < TimeSpan.FromSeconds(60) && failed == 0 && polled == Nodes),
            ];
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            await simulator.StopAsync();
            await simulator.DisposeAsync();
        }
    }
}
