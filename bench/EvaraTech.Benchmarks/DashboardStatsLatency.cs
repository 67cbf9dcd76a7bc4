using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The dashboard figure (target in docs/PERFORMANCE.md): <c>GET /api/v1/dashboard/stats</c> through the test server, as a distributor and as a
/// superadmin, on a refreshed <c>reporting.dashboard_stats</c>. Each request is the whole server path: token
/// validation and the profile lookup, the mediator pipeline, the transaction with the caller's context, the lookup of
/// the caller's row, the envelope. No If-None-Match is sent, so every answer is a 200 with the figures.
/// </summary>
public static class DashboardStatsLatency
{
    private const string Path = "/api/v1/dashboard/stats";

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(
        WebApplicationFactory<Program> api, (BenchUser User, int Nodes)[] callers)
    {
        var figures = new List<LatencyRecorder.Figures>();
        foreach (var (user, nodes) in callers)
        {
            using var client = api.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
            await EnsureFiguresOfAsync(client, user, nodes);
            figures.Add(await LatencyRecorder.MeasureAsync($"GET {Path}, {user.Role} ({nodes:N0} nodes)", "p95 < 2 ms",
                async () => (await client.GetAsync(Path)).EnsureSuccessStatusCode()));
        }

        return figures;
    }

    /// <summary>A caller whose row is missing gets zeros just as fast: that would measure nothing useful.</summary>
    private static async Task EnsureFiguresOfAsync(HttpClient client, BenchUser user, int nodes)
    {
        var envelope = await client.GetFromJsonAsync<JsonElement>(Path);
        var total = envelope.GetProperty("data").GetProperty("nodes").GetProperty("total").GetInt64();
        if (total != nodes)
        {
            throw new InvalidOperationException($"The {user.Role}'s dashboard counts {total} nodes, not {nodes}: the view is not what the benchmark seeded.");
        }
    }
}
