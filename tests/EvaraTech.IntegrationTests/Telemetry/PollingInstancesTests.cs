using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.TestSupport;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// Three application instances, each with its own Hangfire server, running overlapping poll cycles over the same 200
/// nodes for several rounds: every reading is stored exactly once and no channel is ever asked twice at once.
/// </summary>
[NonParallelizable]
public sealed class PollingInstancesTests
{
    private const int Nodes = 200;
    private const int Rounds = 4;
    private const int CyclesPerRound = 6;
    private const int IntervalSeconds = 2;

    [Test]
    public async Task Three_instances_store_every_reading_once_and_never_poll_a_node_concurrently()
    {
        await using var database = await TestDatabase.CreateAsync("polling");
        await using var simulator = await SimulatorServer.StartAsync("--channels", $"{Nodes}", "--interval", $"{IntervalSeconds}", "--history-days", "1");
        var settings = new Dictionary<string, string?>
        {
            ["Jobs:ServerEnabled"] = "true",
            ["Jobs:WorkerCount"] = "2",
            ["Jobs:QueuePollIntervalSeconds"] = "0.2",
            ["ThingSpeak:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["Polling:IntervalSeconds"] = $"{IntervalSeconds}",
            ["Polling:BackfillHours"] = "0.02",
        };
        await using var first = ApiFactory.For(database, settings);
        _ = first.Server; // migrates before the second instance starts
        await using var second = ApiFactory.For(database, settings);
        _ = second.Server;
        await using var third = ApiFactory.For(database, settings);
        _ = third.Server;
        ApiFactory[] instances = [first, second, third];
        await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Nodes, TestChannelKeys.Protection.SealReadKey);

        var jobs = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            var enqueued = Enumerable.Range(0, CyclesPerRound).Select(i => instances[i % instances.Length].Services
                .GetRequiredService<IBackgroundJobClient>().Enqueue<ThingSpeakPolling>(p => p.RunAsync(CancellationToken.None))).ToList();
            await WaitForAsync(first.Services.GetRequiredService<JobStorage>(), enqueued);
            jobs.AddRange(enqueued);
            await Task.Delay(TimeSpan.FromSeconds(IntervalSeconds + 0.2));
        }

        var client = first.Services.GetRequiredService<ThingSpeakClient>();
        var missing = new List<string>();
        var stats = await simulator.AllChannelStatsAsync();
        foreach (var node in await SimulatedNodesStored.StoredAsync(database))
        {
            var feed = (await client.ReadFeedAsync(node.ChannelId, SimulatedNodes.ReadKeyOf(node.ChannelId), node.First, node.Last,
                ThingSpeakClient.MaxResults, CancellationToken.None)).Entries;
            if (feed.Count != node.Stored + node.Rejected)
            {
                missing.Add($"{node.ChannelId}: {feed.Count} entries, {node.Stored} stored, {node.Rejected} refused");
            }
        }

        var monitoring = first.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var servers = jobs.SelectMany(id => monitoring.JobDetails(id).History)
            .Where(h => h.StateName == "Processing").Select(h => h.Data["ServerId"]).Distinct().Count();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await database.ScalarAsync<long>("SELECT count(DISTINCT node_id) FROM telemetry.ingestion_cursors"), Is.EqualTo(Nodes));
            Assert.That(missing, Is.Empty, "every entry between a node's first and last stored reading, stored or refused, once");
            Assert.That(stats.Where(c => c.Value.MaxConcurrent > 1).Select(c => c.Key), Is.Empty, "no channel was ever read twice at once");
            Assert.That(stats.Values.Min(c => c.Requests), Is.GreaterThanOrEqualTo(Rounds), "every node was polled in every round");
            Assert.That(servers, Is.EqualTo(3), "every instance's Hangfire server ran cycles");
        });
    }

    private static async Task WaitForAsync(JobStorage storage, IReadOnlyList<string> jobIds)
    {
        using var connection = storage.GetConnection();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var states = jobIds.Select(id => connection.GetStateData(id)?.Name).ToList();
            if (states.All(s => s == "Succeeded"))
            {
                return;
            }

            Assert.That(states, Has.None.EqualTo("Failed"), "a poll cycle failed");
            await Task.Delay(100);
        }

        Assert.Fail("the poll cycles did not finish within a minute");
    }
}

/// <summary>What the pollers stored for the simulated nodes (<see cref="SimulatedNodes"/>).</summary>
public static class SimulatedNodesStored
{
    public sealed record StoredNode(long ChannelId, DateTimeOffset First, DateTimeOffset Last, long Stored, long Rejected);

    /// <summary>Per polled node: its channel, the span of its stored readings, how many entries were stored and refused whole within it.</summary>
    public static async Task<IReadOnlyList<StoredNode>> StoredAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            WITH stored AS (
                SELECT node_id, "timestamp" FROM telemetry.telemetry_tank
                UNION ALL SELECT node_id, "timestamp" FROM telemetry.telemetry_flow
                UNION ALL SELECT node_id, "timestamp" FROM telemetry.telemetry_deep
            ), spans AS (
                SELECT node_id, min("timestamp") AS first, max("timestamp") AS last, count(*) AS stored FROM stored GROUP BY node_id
            )
            SELECT c.channel_id, s.first, s.last, s.stored,
                   (SELECT count(DISTINCT r.entry_id) FROM telemetry.telemetry_rejections r
                    WHERE r.node_id = s.node_id AND r.entry_timestamp BETWEEN s.first AND s.last
                      AND NOT EXISTS (SELECT 1 FROM stored st WHERE st.node_id = r.node_id AND st."timestamp" = r.entry_timestamp)) AS rejected
            FROM spans s JOIN nodes.thingspeak_channels c ON c.node_id = s.node_id
            """, connection);
        var nodes = new List<StoredNode>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            nodes.Add(new StoredNode(reader.GetInt64(0), Utc(reader.GetDateTime(1)), Utc(reader.GetDateTime(2)), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return nodes;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
