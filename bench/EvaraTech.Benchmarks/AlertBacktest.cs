using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dapper;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// A rule's backtest over 30 days of one tank's raw readings (one a minute: 43,200), through the API as the console
/// asks for it: the metric read from the raw table and replayed by live evaluation's code, with a dip each day to raise.
/// </summary>
public static class AlertBacktest
{
    private const string History = """
        INSERT INTO telemetry.telemetry_tank (node_id, "timestamp", water_level_cm)
        SELECT @Node, t, CASE WHEN extract(hour FROM t) = 3 THEN 20 ELSE 150 END
        FROM generate_series(date_trunc('minute', now()) - interval '30 days', now(), interval '1 minute') t
        """;

    public static async Task<LatencyRecorder.Figures> MeasureAsync(
        Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var api = host(database, new Dictionary<string, string?> { ["Alerts:BacktestsPerUserPerMinute"] = "100000" });
        _ = api.Server; // migrates
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, 3, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        var tank = await connection.QuerySingleAsync<Guid>("SELECT id FROM nodes.nodes WHERE analytics_type = 'EvaraTank' LIMIT 1");
        await connection.ExecuteAsync(History, new { Node = tank });
        await connection.ExecuteAsync("ANALYZE telemetry.telemetry_tank");
        var user = await BenchUsers.AddAsync(database.AdminConnectionString, api.Services.GetRequiredService<LocalTokenIssuer>(), "superadmin");
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", user.Token);
        var rule = new
        {
            name = "Tank low", nodeId = tank, metric = "water_level_cm", @operator = "<", threshold = 50, clearThreshold = 60,
            durationSeconds = 600, severity = "warning", cooldownMinutes = 60,
        };

        var raised = 0;
        var figures = await LatencyRecorder.MeasureAsync("rule backtest, 30 days of one node's raw readings (43,200), POST /alert-rules/backtest",
            "p99 < 1 s", async () =>
            {
                using var response = await client.PostAsJsonAsync("/api/v1/alert-rules/backtest?days=30", rule);
                response.EnsureSuccessStatusCode();
                raised = (await response.Content.ReadFromJsonAsync<BacktestEnvelope>())!.Data.Raised;
            }, warmup: 3, samples: 20);
        return raised is >= 29 and <= 31
            ? figures
            : throw new InvalidOperationException($"The backtest raised {raised} alerts for 30 daily hour-long dips: it measured the wrong thing.");
    }

    private sealed record BacktestEnvelope(BacktestData Data);

    private sealed record BacktestData(int Raised, int Readings);
}
