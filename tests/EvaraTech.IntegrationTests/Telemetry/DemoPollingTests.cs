using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Nodes.Demo;
using EvaraTech.Modules.Telemetry.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// What <c>./build.sh run</c> does: the demo platform polling the simulator. One cycle (the first minute after start)
/// brings every demo node online with a week of history and a reading of the last minutes.
/// </summary>
[NonParallelizable]
public sealed class DemoPollingTests
{
    [Test]
    public async Task One_cycle_brings_every_demo_node_online_with_fresh_data()
    {
        await using var database = await TestDatabase.CreateAsync("demo-polling");
        await using var simulator = await SimulatorServer.StartAsync();
        var settings = DemoPlatform.Settings;
        settings["ThingSpeak:BaseUrl"] = simulator.BaseAddress.ToString();
        await using var api = ApiFactory.For(database, settings);

        var cycle = await api.Services.GetRequiredService<ThingSpeakPolling>().RunAsync(CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(cycle.Polled, Is.EqualTo(DemoNodes.Nodes.Length));
            Assert.That(cycle.Failed, Is.Zero);
            Assert.That(await database.ScalarAsync<string>("""
                SELECT string_agg(DISTINCT status, ',') FROM nodes.node_operational_state
                """), Is.EqualTo("Online"));
            Assert.That(await database.ScalarAsync<long>("""
                SELECT count(*) FROM telemetry.latest_readings WHERE "timestamp" > now() - interval '3 minutes'
                """), Is.EqualTo(DemoNodes.Nodes.Length), "a reading of the last minutes for every node (one a minute, the odd one dropped)");
            Assert.That(await database.ScalarAsync<bool>("""
                SELECT min("timestamp") < now() - interval '6 days' FROM telemetry.telemetry_tank
                """), Is.True, "the week of history is there for the charts");
        });
    }
}
