using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// What bounds a poll cycle: a host that stops in the middle of one (SIGTERM: Hangfire cancels the job's token)
/// writes what the cycle has read and hands back the nodes it claimed but had not read, so the next cycle, of any
/// instance, polls them at once instead of after their lease; and a fleet's first poll, where every node back-fills
/// days of readings, holds only <c>Polling:BackfillConcurrency</c> back-fills read and not yet written at once (each
/// holds a place from its first request until it is written), so the instance's memory stays bounded, while a first
/// poll that reads no more than the look-back is not held to that limit.
/// </summary>
public sealed class PollCycleBoundsTests
{
    [Test]
    public async Task A_cycle_stopped_midway_writes_what_it_read_and_hands_back_the_nodes_it_had_not_read()
    {
        const int nodes = 48;
        await using var world = await PolledWorld.StartAsync(nodes, ["--interval", "5", "--history-days", "1", "--latency", "1000"], new()
        {
            ["Polling:BackfillHours"] = "0.02",
            ["Polling:Concurrency"] = "4",
        });

        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2.5));
        var cut = await world.Polling.RunAsync(stopping.Token);
        var leased = await world.Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.poll_schedule WHERE lease_owner IS NOT NULL");
        var read = await world.Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.poll_schedule WHERE last_success_at IS NOT NULL");
        var cursors = await world.Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.ingestion_cursors");

        var next = await world.Polling.RunAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(cut.Polled, Is.InRange(1, nodes - 1), "the cycle was stopped midway");
            Assert.That(leased, Is.Zero, "no lease left behind: the unread nodes were handed back");
            Assert.That((read, cursors), Is.EqualTo(((long)cut.Polled, (long)cut.Polled)), "every feed the cycle read was written, with its cursor");
            Assert.That(next.Polled, Is.EqualTo(nodes - cut.Polled), "the next cycle polls every node the stopped one did not, at once");
        });
    }

    [Test]
    public async Task A_fleets_first_poll_back_fills_only_a_few_nodes_at_once_and_every_one_completely()
    {
        const int nodes = 12;
        await using var world = await PolledWorld.StartAsync(nodes, ["--interval", "600", "--history-days", "2", "--latency", "200"], new()
        {
            ["Polling:BackfillHours"] = "24",
            ["Polling:Concurrency"] = "8",
            ["Polling:BackfillConcurrency"] = "2",
        });

        var cycle = await world.Polling.RunAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((cycle.Polled, cycle.Failed), Is.EqualTo((nodes, 0)));
            Assert.That(await world.Simulator.MaxConcurrentAsync(), Is.EqualTo(2), "two back-fills at a time, though eight readers were free");
            Assert.That(cycle.Stored, Is.GreaterThan(nodes * 130), "about a day of ten-minute readings for every node");
            Assert.That(await world.Database.ScalarAsync<long>(
                "SELECT count(*) FROM telemetry.ingestion_cursors WHERE read_until > now() - interval '1 minute'"), Is.EqualTo(nodes),
                "every node's day read to the end");
        });
    }

    [Test]
    public async Task A_first_poll_whose_back_fill_is_no_longer_than_the_look_back_reads_at_the_full_concurrency()
    {
        const int nodes = 12;
        await using var world = await PolledWorld.StartAsync(nodes, ["--interval", "60", "--history-days", "1", "--latency", "300"], new()
        {
            ["Polling:BackfillHours"] = "0.5",
            ["Polling:LookbackMinutes"] = "60",
            ["Polling:Concurrency"] = "8",
            ["Polling:BackfillConcurrency"] = "1",
        });

        var cycle = await world.Polling.RunAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((cycle.Polled, cycle.Failed), Is.EqualTo((nodes, 0)));
            Assert.That(await world.Simulator.MaxConcurrentAsync(), Is.GreaterThan(4),
                "half an hour of readings is no more than a steady poll reads: not queued one at a time behind the back-fill limit");
        });
    }

    /// <summary>A database, the simulator with <c>nodes</c> channels and an API polling them (cycles run by the test).</summary>
    private sealed record PolledWorld(TestDatabase Database, SimulatorServer Simulator, ApiFactory Api, ThingSpeakPolling Polling) : IAsyncDisposable
    {
        public static async Task<PolledWorld> StartAsync(int nodes, string[] simulator, Dictionary<string, string?> settings)
        {
            var database = await TestDatabase.CreateAsync("poll-cycle");
            var server = await SimulatorServer.StartAsync(["--channels", $"{nodes}", .. simulator]);
            settings["ThingSpeak:BaseUrl"] = server.BaseAddress.ToString();
            settings["Polling:SpreadSeconds"] = "0";
            var api = ApiFactory.For(database, settings);
            _ = api.Server;
            await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, nodes, TestChannelKeys.Protection.SealReadKey);
            return new PolledWorld(database, server, api, api.Services.GetRequiredService<ThingSpeakPolling>());
        }

        public async ValueTask DisposeAsync()
        {
            await Api.DisposeAsync();
            await Simulator.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
