using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.TestSupport;
using MQTTnet;
using MQTTnet.Protocol;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// Outside-broker mode against Debian's mosquitto started here: two API instances share one subscription to the
/// devices' topics, and every QoS 1 message is stored exactly once.
/// </summary>
[NonParallelizable]
public sealed class MqttExternalBrokerTests : TenantWorldTest
{
    private const long ChannelA = 881001;
    private const long ChannelB = 881002;

    private Process _mosquitto = null!;
    private string _folder = null!;
    private int _port;
    private Guid _tankA;
    private Guid _tankB;

    [OneTimeSetUp]
    public async Task StartMosquittoAsync()
    {
        _port = FreePorts.Next();
        _folder = Directory.CreateTempSubdirectory("evaratech-mosquitto").FullName;
        var config = Path.Combine(_folder, "mosquitto.conf");
        await File.WriteAllTextAsync(config, $"""
            listener {_port} 127.0.0.1
            allow_anonymous true
            persistence false
            max_inflight_messages 50
            sys_interval 1
            """);
        _mosquitto = Process.Start(new ProcessStartInfo("mosquitto", ["-c", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", _port);
                return;
            }
            catch (SocketException) when (attempt < 100 && !_mosquitto.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    [OneTimeTearDown]
    public void StopMosquitto()
    {
        _mosquitto.Kill();
        _mosquitto.WaitForExit();
        _mosquitto.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [SetUp]
    public async Task CreateNodesAsync()
    {
        _tankA = await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("ext-tank-a", "ext-tank-a").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(ChannelA).WithMapping("field1", "water_level_cm").InsertAsync(Database);
        _tankB = await NodeBuilder.OfCustomer(World.Customer2, World.Community2, World.Distributor2).Named("ext-tank-b", "ext-tank-b").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(ChannelB).WithMapping("field1", "water_level_cm").InsertAsync(Database);
    }

    [Test]
    public async Task Two_instances_on_one_shared_subscription_store_every_QoS_1_message_exactly_once()
    {
        const int PerChannel = 40;
        var settings = new Dictionary<string, string?>
        {
            ["Mqtt:Mode"] = "external",
            ["Mqtt:External:Host"] = "127.0.0.1",
            ["Mqtt:External:Port"] = _port.ToString(CultureInfo.InvariantCulture),
        };
        await using var first = ApiFactory.For(Database, settings);
        await using var second = ApiFactory.For(Database, settings);
        _ = first.Server;
        _ = second.Server;
        await SubscribedAsync(2);

        // Without created_at each message is timed on arrival: one stored twice would be two rows, one lost none.
        using var device = new MqttClientFactory().CreateMqttClient();
        await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).WithClientId($"device-{Guid.NewGuid():N}").Build());
        for (var i = 0; i < PerChannel; i++)
        {
            foreach (var channel in new[] { ChannelA, ChannelB })
            {
                await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"channels/{channel}/publish").WithPayload($"field1={i + 1}")
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }

            await Task.Delay(5);
        }

        var stored = await StoredAsync(2 * PerChannel);
        await Task.Delay(1000);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stored, Is.EqualTo(2 * PerChannel), await MissingAsync(PerChannel));
            Assert.That(await CountAsync(), Is.EqualTo(2 * PerChannel), "nothing arrives twice later either");
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(DISTINCT water_level_cm) FROM telemetry.telemetry_tank WHERE node_id = '{_tankA}'"), Is.EqualTo(PerChannel));
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(DISTINCT water_level_cm) FROM telemetry.telemetry_tank WHERE node_id = '{_tankB}'"), Is.EqualTo(PerChannel));
        });
    }

    /// <summary>Waits until mosquitto reports the <paramref name="instances"/> connected besides this watcher (its $SYS topics), then for their subscriptions.</summary>
    private async Task SubscribedAsync(int instances)
    {
        using var watcher = new MqttClientFactory().CreateMqttClient();
        var count = 0L;
        watcher.ApplicationMessageReceivedAsync += e =>
        {
            Interlocked.Exchange(ref count, long.Parse(e.ApplicationMessage.ConvertPayloadToString(), CultureInfo.InvariantCulture));
            return Task.CompletedTask;
        };
        await watcher.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", _port).Build());
        await watcher.SubscribeAsync("$SYS/broker/clients/connected");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Interlocked.Read(ref count) < instances + 1)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"{instances} instances connect to the broker");
            await Task.Delay(100);
        }

        await Task.Delay(500);
    }

    private async Task<long> StoredAsync(long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long stored;
        while ((stored = await CountAsync()) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return stored;
    }

    /// <summary>Which values each tank lacks, and what was rejected: what a failure needs to say.</summary>
    private async Task<string> MissingAsync(int perChannel) =>
        await Database.ScalarAsync<string>($"""
            SELECT 'missing: ' || coalesce((SELECT string_agg(n.id::text || ':' || v::text, ', ')
                                            FROM (VALUES ('A', '{_tankA}'::uuid), ('B', '{_tankB}'::uuid)) AS n(id, node)
                                            CROSS JOIN generate_series(1, {perChannel}) AS v
                                            WHERE NOT EXISTS (SELECT 1 FROM telemetry.telemetry_tank t WHERE t.node_id = n.node AND t.water_level_cm = v)), 'none')
                   || '; rejected: ' || coalesce((SELECT string_agg(reason, '; ') FROM telemetry.telemetry_rejections
                                                  WHERE node_id IN ('{_tankA}', '{_tankB}')), 'none')
            """) ?? "";

    private Task<long> CountAsync() =>
        Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id IN ('{_tankA}', '{_tankB}')");
}
