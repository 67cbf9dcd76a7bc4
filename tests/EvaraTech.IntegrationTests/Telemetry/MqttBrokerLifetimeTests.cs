using System.Globalization;
using System.Net;
using System.Net.Sockets;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Server;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The embedded broker's start and stop: it listens on its configured address only, a port it cannot open stops the
/// platform starting, and a host stopping twice at once (a test host does) stops it once, with its devices connected.
/// </summary>
[NonParallelizable]
public sealed class MqttBrokerLifetimeTests : TenantWorldTest
{
    private const long Channel = 880101;
    private const string WriteKey = "MQTTLIFETIMEKEY1";

    [Test]
    public async Task A_host_stopping_twice_at_once_stops_the_broker_once_and_closes_its_devices_and_its_port()
    {
        await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("lifetime-tank", "lifetime-tank").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(Channel, writeKey: WriteKey).WithMapping("field1", "water_level_cm").InsertAsync(Database);
        var port = FreePorts.Next();
        await using var api = Broker(port);
        _ = api.Server;
        var devices = new List<IMqttClient>();
        for (var i = 0; i < 5; i++)
        {
            var device = new MqttClientFactory().CreateMqttClient();
            await device.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials("device", WriteKey)
                .WithClientId($"lifetime-{i}").Build());
            devices.Add(device);
        }

        var stops = 0;
        api.Services.GetRequiredService<MqttServer>().StoppedAsync += _ =>
        {
            Interlocked.Increment(ref stops);
            return Task.CompletedTask;
        };

        // What two Host.StopAsync calls at once do: each stops every hosted service, last registered first.
        var hosted = api.Services.GetServices<IHostedService>().Reverse().ToList();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        })));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (devices.Any(d => d.IsConnected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Multiple(() =>
        {
            Assert.That(stops, Is.EqualTo(1));
            Assert.That(devices.Count(d => d.IsConnected), Is.Zero, "every device's connection closed");
            Assert.That(() => Connect(IPAddress.Loopback, port), Throws.InstanceOf<SocketException>(), "the port closed");
        });
        devices.ForEach(d => d.Dispose());
    }

    [Test]
    public void A_port_the_broker_cannot_open_stops_the_platform_starting()
    {
        using var taken = new TcpListener(IPAddress.Loopback, FreePorts.Next());
        taken.Start();
        using var api = Broker(((IPEndPoint)taken.LocalEndpoint).Port);

        Assert.That(() => api.Server, Throws.InstanceOf<SocketException>()
            .With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.AddressAlreadyInUse));
    }

    [Test]
    public async Task A_loopback_broker_listens_on_its_address_only_not_on_every_IPv6_interface()
    {
        var port = FreePorts.Next();
        await using var api = Broker(port);
        _ = api.Server;

        Assert.Multiple(() =>
        {
            Assert.That(() => Connect(IPAddress.Loopback, port), Throws.Nothing);
            Assert.That(() => Connect(IPAddress.IPv6Loopback, port), Throws.InstanceOf<SocketException>()
                .With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.ConnectionRefused));
        });
    }

    private static ApiFactory Broker(int port) => ApiFactory.For(Database, new Dictionary<string, string?>
    {
        ["Database:MigrateOnStartup"] = "false",
        ["Mqtt:Mode"] = "embedded",
        ["Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
    });

    private static void Connect(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        client.Connect(address, port);
    }
}
