using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using EvaraTech.Demo;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Nodes.Demo;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// What <c>./build.sh run</c> does: the demo platform polling the simulator, while the simulator plays the demo's MQTT
/// devices against the platform's broker. One cycle (the first minute after start) brings every polled demo node online
/// with a week of history and a reading of the last minutes; the MQTT devices come online by publishing.
/// </summary>
[NonParallelizable]
public sealed class DemoPollingTests
{
    private const string MqttPassword = "DemoMqttTestPassword01";

    [Test]
    public async Task One_cycle_brings_the_polled_demo_nodes_online_and_the_MQTT_devices_report_through_the_broker()
    {
        await using var database = await TestDatabase.CreateAsync("demo-polling");
        var mqttPort = FreePorts.Next();
        // Started first, as ./build.sh run does: its devices keep trying until the broker is up.
        await using var simulator = await SimulatorServer.StartAsync(
            "--mqtt", $"mqtt://127.0.0.1:{mqttPort}", "--mqtt-password", MqttPassword);
        var settings = DemoPlatform.Settings;
        settings["ThingSpeak:BaseUrl"] = simulator.BaseAddress.ToString();
        settings["Mqtt:Mode"] = "embedded";
        settings["Mqtt:Port"] = mqttPort.ToString(CultureInfo.InvariantCulture);
        settings["Demo:MqttPassword"] = MqttPassword;
        await using var api = ApiFactory.For(database, settings);
        _ = api.Server;
        var polled = DemoCatalogue.Nodes.First(n => !n.ReportsOverMqtt);
        var mqttNodes = DemoCatalogue.Nodes.Where(n => n.ReportsOverMqtt).Select(n => n.Id).ToArray();
        var feed = new ConcurrentQueue<string>();
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            feed.Enqueue(e.ApplicationMessage.ConvertPayloadToString());
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", mqttPort).WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCredentials("viewer", polled.ReadKey).WithClientId("demo-viewer").Build());
        await subscriber.SubscribeAsync($"channels/{polled.ChannelId}/subscribe");

        var cycle = await api.Services.GetRequiredService<ThingSpeakPolling>().RunAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((feed.IsEmpty || await ReportingAsync(database, mqttNodes) < mqttNodes.Length) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }

        var newest = await database.ScalarAsync<DateTime>("""
            SELECT "timestamp" FROM telemetry.latest_readings WHERE node_id = @Node
            """, ("Node", polled.Id));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(cycle.Polled, Is.EqualTo(DemoNodes.Nodes.Length - mqttNodes.Length), "the MQTT devices are never polled");
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
            Assert.That(await database.ScalarAsync<string?>("""
                SELECT string_agg(concat_ws(' ', source, entry_timestamp, reason, payload), '; ')
                FROM telemetry.telemetry_rejections WHERE node_id = ANY(@Nodes)
                """, ("Nodes", mqttNodes)), Is.Null, "every published entry was stored");
            Assert.That(feed, Has.Count.EqualTo(1), "the back-fill tells the channel's subscriber where it is now, not its week");
            using var entry = JsonDocument.Parse(feed.FirstOrDefault() ?? "{}");
            Assert.That(entry.RootElement.TryGetProperty("created_at", out var at) ? at.GetString() : null,
                Is.EqualTo(newest.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        });
    }

    /// <summary>How many of the nodes have stored a reading.</summary>
    private static Task<long> ReportingAsync(TestDatabase database, Guid[] nodes) => database.ScalarAsync<long>("""
        SELECT count(*) FROM telemetry.latest_readings WHERE node_id = ANY(@Nodes)
        """, ("Nodes", nodes));
}
