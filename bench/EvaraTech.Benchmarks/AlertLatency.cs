using System.Diagnostics;
using Dapper;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The alert latency figure: a breaching reading pushed as a device pushes it (<c>GET /update</c>, the whole pipeline
/// and the outbox) until its alert is in <c>alerts.alert_history</c>. Each sample pushes to a tank of its own under one
/// tank rule with no duration and no cooldown, so every sample raises exactly one new alert.
/// </summary>
/// <remarks>
/// The outbox dispatches a batch's event as soon as its transaction commits, before the device is answered: the alert
/// exists when the push returns. So "accepted" is the reading's commit and "persisted" the alert's, both as another
/// connection sees them (<see cref="AlertWatcher"/>); the push's round trip, which holds both, is reported beside it.
/// </remarks>
public static class AlertLatency
{
    private const int Warmup = 50;
    private const int Samples = 200;

    /// <summary>Stored as 20 cm (field1 is mapped 1:1 to the level), under the rule's 50.</summary>
    private const string BreachingLevel = "20";

    private const string TankRule = """
        INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, selector_analytics_type, metric, operator, threshold,
                                        duration_seconds, severity, cooldown_minutes)
        VALUES (gen_random_uuid(), @Owner, 'Tank low', 'EvaraTank', 'water_level_cm', '<', 50, 0, 'critical', 0)
        """;

    // The simulated channels have read keys only; devices push with a write key, stored as its keyed hash.
    private const string TankChannels = """
        SELECT c.node_id AS NodeId, c.channel_id AS ChannelId FROM nodes.thingspeak_channels c JOIN nodes.nodes n ON n.id = c.node_id
        WHERE n.analytics_type = 'EvaraTank' ORDER BY c.channel_id
        """;

    private const string WriteKeys = """
        UPDATE nodes.thingspeak_channels c SET write_key_hash = k.hash, write_key_hint = k.hint
        FROM unnest(@NodeIds, @Hashes, @Hints) AS k(node_id, hash, hint) WHERE c.node_id = k.node_id
        """;

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(
        Func<BenchDatabase, IReadOnlyDictionary<string, string?>, WebApplicationFactory<Program>> host)
    {
        await using var database = await BenchDatabase.CreateAsync();
        await using var api = host(database, new Dictionary<string, string?>
        {
            // The test server has no request body limit to apply and says so at every push; the console would time it too.
            ["Logging:LogLevel:Microsoft.AspNetCore.Routing.EndpointRoutingMiddleware"] = "Error",
        });
        _ = api.Server; // migrates
        var tanks = await ArrangeAsync(database, api.Services);
        using var client = api.CreateClient();
        await using var watcher = await AlertWatcher.OpenAsync(database.AdminConnectionString);

        var latencies = new List<double>(Samples);
        var roundTrips = new List<double>(Samples);
        for (var sample = 0; sample < tanks.Count; sample++)
        {
            var persisted = watcher.WatchAsync(tanks[sample].NodeId);
            var started = Stopwatch.GetTimestamp();
            var answer = await client.GetStringAsync($"/update?api_key={tanks[sample].WriteKey}&field1={BreachingLevel}");
            var roundTrip = Stopwatch.GetElapsedTime(started);
            if (answer == "0")
            {
                throw new InvalidOperationException($"The push to {tanks[sample].NodeId} was refused: it measures nothing useful.");
            }

            var latency = await persisted;
            if (sample >= Warmup)
            {
                latencies.Add(latency.TotalMilliseconds);
                roundTrips.Add(roundTrip.TotalMilliseconds);
            }
        }

        await EnsureOneAlertPerTankAsync(database, tanks.Count);
        return
        [
            LatencyRecorder.Summarise($"reading accepted → alert persisted, device push ({AlertWatcher.Interval.TotalMilliseconds} ms polls)", "p99 < 1 s", latencies),
            LatencyRecorder.Summarise("  the push's round trip (answered at commit; handlers run after)", "p99 < 1 s", roundTrips),
        ];
    }

    private sealed record Tank(Guid NodeId, string WriteKey);

    /// <returns>a tank per sample, warm-up first, each with its device's write key</returns>
    private static async Task<IReadOnlyList<Tank>> ArrangeAsync(BenchDatabase database, IServiceProvider services)
    {
        // Every third simulated node is a tank.
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, (Warmup + Samples) * 3, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(TankRule, new { Owner = SimulatedNodes.Distributor });
        // Told as the rules API will tell it, so no cached rule list of the owner hides the new rule.
        services.GetRequiredService<AlertRulesCache>().Invalidate(SimulatedNodes.Distributor);
        var keys = services.GetRequiredService<ChannelKeyProtection>();
        var tanks = (await connection.QueryAsync<(Guid NodeId, long ChannelId)>(TankChannels))
            .Select(t => new Tank(t.NodeId, $"SIMWRITE{t.ChannelId}")).ToList();
        await connection.ExecuteAsync(WriteKeys, new
        {
            NodeIds = tanks.Select(t => t.NodeId).ToArray(),
            Hashes = tanks.Select(t => keys.HashWriteKey(t.WriteKey)).ToArray(),
            Hints = tanks.Select(t => ChannelKeyProtection.Hint(t.WriteKey)).ToArray(),
        });
        return tanks;
    }

    private static async Task EnsureOneAlertPerTankAsync(BenchDatabase database, int tanks)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        var (alerts, nodes) = await connection.QuerySingleAsync<(long, long)>("SELECT count(*), count(DISTINCT node_id) FROM alerts.alert_history");
        if (alerts != tanks || nodes != tanks)
        {
            throw new InvalidOperationException($"{alerts} alerts on {nodes} nodes for {tanks} breaching pushes: the samples are not one alert each.");
        }
    }
}
