using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// A poll cycle spreads its polls over <c>Polling:SpreadSeconds</c> (a thousand nodes polled in one burst
/// held both cores for seconds every minute, and the API's requests waited behind them), and still polls every due
/// node once.
/// </summary>
[NonParallelizable]
public sealed class PollSpreadTests : IntegrationTest
{
    private const int Nodes = 48;

    [Test]
    public async Task A_cycle_spreads_its_polls_over_the_spread_and_polls_every_node_once()
    {
        await using var simulator = await SimulatorServer.StartAsync("--channels", $"{Nodes}", "--history-days", "1");
        await using var api = ApiFactory.For(Database, new Dictionary<string, string?>
        {
            ["ThingSpeak:BaseUrl"] = simulator.BaseAddress.ToString(),
            ["Polling:BackfillHours"] = "0.05",
            ["Polling:SpreadSeconds"] = "2",
        });
        await SimulatedNodes.ArrangeAsync(Database.AdminConnectionString, Nodes, TestChannelKeys.Protection.SealReadKey);

        var cycle = await api.Services.GetRequiredService<ThingSpeakPolling>().RunAsync(CancellationToken.None);
        var spread = await Database.ScalarAsync<double>(
            "SELECT extract(epoch FROM max(last_telemetry_sync) - min(last_telemetry_sync))::float8 FROM nodes.node_operational_state");
        var requests = await simulator.AllChannelStatsAsync();

        Assert.Multiple(() =>
        {
            Assert.That(cycle.Polled, Is.EqualTo(Nodes));
            Assert.That(cycle.Failed, Is.Zero);
            Assert.That(requests.Values.Select(r => r.Requests), Has.All.EqualTo(1), "each node read once");
            Assert.That(cycle.Duration, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(2)));
            // Three claims of 16, the last a third of the spread before its end; all at once they land within ~0.2 s.
            Assert.That(spread, Is.GreaterThan(1.0), "first to last poll, in seconds");
        });
    }
}
