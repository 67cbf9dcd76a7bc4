using System.Globalization;
using EvaraTech.Demo;
using EvaraTech.Simulator.Channels;
using EvaraTech.Simulator.Signals;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvaraTech.Simulator.Mqtt;

/// <summary>
/// Plays the demo devices that report over MQTT (<see cref="DemoNode.ReportsOverMqtt"/>): each connects to the platform's
/// broker with its own credentials and publishes its channel's entries to <c>channels/&lt;id&gt;/publish</c> in
/// ThingSpeak's form encoding, at QoS 1, as they come due on the grid. A device that was away (the platform not up yet,
/// a dropped connection) sends the last <see cref="Kept"/> entries it missed, as a device with a small buffer would.
/// </summary>
public sealed class MqttPublisher(IOptions<SimulatorOptions> options, ChannelCatalog catalog, FeedGenerator feeds, ILogger<MqttPublisher> logger)
    : BackgroundService
{
    /// <summary>Entries a device keeps while it cannot publish: within the platform's default burst per device.</summary>
    public const int Kept = 10;

    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    /// <summary>The broker's host and port of an <c>mqtt://host:port</c> address, or null if it is not one.</summary>
    public static (string Host, int Port)? Broker(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == "mqtt" ? (uri.Host, uri.IsDefaultPort || uri.Port < 0 ? 1883 : uri.Port) : null;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.MqttUrl is not { Length: > 0 } url || Broker(url) is not { } broker)
        {
            return Task.CompletedTask;
        }

        var devices = DemoCatalogue.Nodes.Where(n => n.ReportsOverMqtt).ToList();
        logger.LogInformation("Publishing {Count} demo devices' entries to the MQTT broker at {Host}:{Port}", devices.Count, broker.Host, broker.Port);
        return Task.WhenAll(devices.Select(node => DeviceAsync(broker, node, catalog.Find(node.ChannelId)!, stoppingToken)));
    }

    private async Task DeviceAsync((string Host, int Port) broker, DemoNode node, SimChannel channel, CancellationToken stoppingToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var connect = new MqttClientOptionsBuilder().WithTcpServer(broker.Host, broker.Port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(node.MqttIdentity).WithCredentials(node.MqttIdentity, options.Value.MqttPassword).WithCleanStart().Build();
        DateTimeOffset? sent = null;
        var due = TimeSpan.FromSeconds(Math.Min(options.Value.IntervalSeconds, Retry.TotalSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = due;
            try
            {
                if (!client.IsConnected)
                {
                    var connected = await client.ConnectAsync(connect, stoppingToken);
                    if (connected.ResultCode != MqttClientConnectResultCode.Success)
                    {
                        throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode}");
                    }
                }

                foreach (var entry in feeds.Range(channel, sent?.AddSeconds(1), null, Kept))
                {
                    var published = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"channels/{channel.Id}/publish")
                        .WithPayload(Payload(entry)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
                    if (!published.IsSuccess)
                    {
                        throw new InvalidOperationException($"the broker refused entry {entry.EntryId}: {published.ReasonCode}");
                    }

                    sent = entry.CreatedAt;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("MQTT device {Device} (channel {Channel}): {Reason}; trying again", node.MqttIdentity, channel.Id, e.Message);
                wait = Retry;
            }

            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        }
    }

    /// <summary>ThingSpeak's form encoding: the fields the entry carries, and its time.</summary>
    private static string Payload(FeedEntry entry) => string.Join('&',
        entry.Values.Select((value, i) => value is null ? null : $"field{i + 1}={Uri.EscapeDataString(value)}").OfType<string>()
            .Append("created_at=" + Uri.EscapeDataString(entry.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))));
}
