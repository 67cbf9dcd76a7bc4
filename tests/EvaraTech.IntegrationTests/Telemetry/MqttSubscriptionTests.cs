using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Telemetry.Mqtt;
using EvaraTech.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// ThingSpeak's subscribe topics on the embedded broker: a reading stored on one instance reaches a subscriber of
/// another (through their shared Redis), as the entry in JSON and as each field's bare value; the read key
/// subscribes but cannot publish, and no one follows another channel.
/// </summary>
[NonParallelizable]
public sealed class MqttSubscriptionTests : TenantWorldTest
{
    private const long Channel = 882001;
    private const string ReadKey = "SUBREADKEY0001";
    private const string WriteKey = "SUBWRITEKEY0001";
    private const long OtherChannel = 882002;

    private RedisProcess _redis = null!;
    private ApiFactory _a = null!;
    private ApiFactory _b = null!;
    private int _portA;
    private int _portB;

    [OneTimeSetUp]
    public async Task StartInstancesAsync()
    {
        _redis = await RedisProcess.StartAsync();
        (_portA, _portB) = (FreePorts.Next(), FreePorts.Next());
        _a = ApiFactory.For(Database, Settings(_portA));
        _b = ApiFactory.For(Database, Settings(_portB));
        _ = _a.Server;
        _ = _b.Server;
    }

    [OneTimeTearDown]
    public async Task StopInstancesAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [SetUp]
    public async Task CreateNodesAsync()
    {
        await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("sub-tank", "sub-tank").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(Channel, ReadKey, WriteKey)
            .WithMapping("field1", "water_level_cm", scale: 100).WithMapping("field2", "temperature_c").InsertAsync(Database);
        await NodeBuilder.OfCustomer(World.Customer2, World.Community2, World.Distributor2).Named("sub-other", "sub-other").Kind("OHT", "EvaraTank")
            .WithState().WithTank(400).WithChannel(OtherChannel, "SUBREADKEY0002", "SUBWRITEKEY0002").WithMapping("field1", "water_level_cm").InsertAsync(Database);
    }

    [Test]
    public async Task A_reading_stored_on_one_instance_reaches_a_subscriber_of_another_as_the_entry_and_its_fields()
    {
        var (subscriber, received) = await SubscribeAsync(_portA, $"channels/{Channel}/subscribe", $"channels/{Channel}/subscribe/fields/+");
        using var _ = subscriber;
        using var device = await ConnectAsync(_portB, WriteKey);
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        var created = new DateTimeOffset(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var published = await device.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"channels/{Channel}/publish")
            .WithPayload($"field1=1.25&field2=24.5&created_at={created}").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (received.Count < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        var entry = received.SingleOrDefault(m => m.Topic == $"channels/{Channel}/subscribe");
        Assert.Multiple(() =>
        {
            Assert.That(published.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
            Assert.That(entry.Payload, Is.Not.Null, "the entry arrived on the other instance");
            using var json = JsonDocument.Parse(entry.Payload ?? "{}");
            Assert.That(json.RootElement.GetProperty("channel_id").GetInt64(), Is.EqualTo(Channel));
            Assert.That(json.RootElement.GetProperty("created_at").GetString(), Is.EqualTo(created));
            Assert.That(json.RootElement.GetProperty("field1").GetString(), Is.EqualTo("125"), "what was stored: mapped");
            Assert.That(json.RootElement.GetProperty("field2").GetString(), Is.EqualTo("24.5"));
            Assert.That(received.Where(m => m.Topic.Contains("/fields/", StringComparison.Ordinal)).OrderBy(m => m.Topic),
                Is.EqualTo(new[] { ($"channels/{Channel}/subscribe/fields/field1", "125"), ($"channels/{Channel}/subscribe/fields/field2", "24.5") }));
        });
    }

    [Test]
    public async Task A_reading_pushed_over_HTTP_to_one_instance_reaches_a_subscriber_of_another_as_stored()
    {
        var (subscriber, received) = await SubscribeAsync(_portA, $"channels/{Channel}/subscribe/fields/field1");
        using var _ = subscriber;
        using var http = _b.CreateClient();

        using var pushed = await http.GetAsync($"/update?api_key={WriteKey}&field1=2.5&field2=21");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (received.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Multiple(() =>
        {
            Assert.That(pushed.IsSuccessStatusCode, Is.True);
            Assert.That(received, Is.EqualTo(new[] { ($"channels/{Channel}/subscribe/fields/field1", "250") }), "the stored, mapped value; field2 was not subscribed");
        });
    }

    [Test]
    public async Task Every_instance_knows_a_followed_node_before_the_SUBACK_and_one_started_later_learns_it_at_start()
    {
        var node = await Database.ScalarAsync<Guid>("SELECT node_id FROM nodes.thingspeak_channels WHERE channel_id = @Channel", ("Channel", Channel));
        var other = await Database.ScalarAsync<Guid>("SELECT node_id FROM nodes.thingspeak_channels WHERE channel_id = @Channel", ("Channel", OtherChannel));
        var followedBefore = _b.Services.GetRequiredService<FeedInterest>().IsFollowed(node);

        var (subscriber, _) = await SubscribeAsync(_portA, $"channels/{Channel}/subscribe/fields/field1");
        using var _ = subscriber;
        // Published to Redis before the SUBACK; B hears it as Redis delivers it, a moment later at most.
        var heard = Stopwatch.StartNew();
        while (!_b.Services.GetRequiredService<FeedInterest>().IsFollowed(node) && heard.Elapsed < TimeSpan.FromSeconds(1))
        {
            await Task.Delay(5);
        }

        var followedOnB = _b.Services.GetRequiredService<FeedInterest>().IsFollowed(node);
        await using var later = ApiFactory.For(Database, Settings(FreePorts.Next()));
        var interest = later.Services.GetRequiredService<FeedInterest>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!interest.IsFollowed(node) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Multiple(() =>
        {
            Assert.That(followedBefore, Is.False, "nobody followed it yet: its readings cost the feed nothing");
            Assert.That(followedOnB, Is.True, "announced before the SUBACK: B follows it within a second of the SUBACK");
            Assert.That(interest.IsFollowed(node), Is.True, "an instance started later hears it from the others");
            Assert.That(interest.IsFollowed(other), Is.False);
        });
    }

    [Test]
    public async Task The_read_key_subscribes_but_cannot_publish_and_no_one_follows_another_channel()
    {
        using var reader = await ConnectAsync(_portA, ReadKey);
        using var device = await ConnectAsync(_portA, WriteKey);

        var publish = await reader.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"channels/{Channel}/publish").WithPayload("field1=1")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        var other = await reader.SubscribeAsync($"channels/{OtherChannel}/subscribe");
        var otherByDevice = await device.SubscribeAsync($"channels/{OtherChannel}/subscribe/fields/field1");
        var everything = await device.SubscribeAsync("channels/#");
        var own = await device.SubscribeAsync($"channels/{Channel}/subscribe/fields/field1");

        Assert.Multiple(() =>
        {
            Assert.That(publish.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.NotAuthorized));
            Assert.That(other.Items.Single().ResultCode, Is.EqualTo(MqttClientSubscribeResultCode.NotAuthorized));
            Assert.That(otherByDevice.Items.Single().ResultCode, Is.EqualTo(MqttClientSubscribeResultCode.NotAuthorized));
            Assert.That(everything.Items.Single().ResultCode, Is.EqualTo(MqttClientSubscribeResultCode.NotAuthorized));
            Assert.That(own.Items.Single().ResultCode, Is.EqualTo(MqttClientSubscribeResultCode.GrantedQoS0));
        });
    }

    private Dictionary<string, string?> Settings(int port) => new()
    {
        ["ConnectionStrings:Redis"] = _redis.ConnectionString,
        ["Mqtt:Mode"] = "embedded",
        ["Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A client with the read key, subscribed to the filters, and what it receives.</summary>
    private static async Task<(IMqttClient Client, ConcurrentQueue<(string Topic, string Payload)> Received)> SubscribeAsync(int port, params string[] filters)
    {
        var received = new ConcurrentQueue<(string Topic, string Payload)>();
        var subscriber = await ConnectAsync(port, ReadKey);
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            received.Enqueue((e.ApplicationMessage.Topic, e.ApplicationMessage.ConvertPayloadToString()));
            return Task.CompletedTask;
        };
        var options = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in filters)
        {
            options.WithTopicFilter(filter);
        }

        await subscriber.SubscribeAsync(options.Build());
        return (subscriber, received);
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials("user", password)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId($"sub-{Guid.NewGuid():N}").Build());
        return client;
    }
}
