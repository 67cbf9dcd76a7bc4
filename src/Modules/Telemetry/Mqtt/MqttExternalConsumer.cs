using System.Diagnostics.Metrics;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Nodes.Contracts;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>
/// Outside-broker mode: this instance is one member of a shared subscription (<c>$share/&lt;group&gt;/channels/+/publish/#</c>,
/// QoS 1) on the users' broker cluster, which authenticates the devices and lets each publish to its own channel only.
/// A message is stored through <see cref="MqttIngestion"/> and acknowledged to the broker only after its commit; one
/// that cannot be stored is left unacknowledged and the connection dropped, so the broker hands it out again (the
/// session is kept). The broker gives each message to one member, so each is stored once however many instances run;
/// a message whose connection dropped between its commit and its acknowledgement comes again (at least once; one
/// carrying its created_at is still stored once).
/// </summary>
public sealed class MqttExternalConsumer(
    MqttIngestion ingestion, IServiceScopeFactory scopes, IOptions<MqttOptions> options, ILogger<MqttExternalConsumer> logger) : BackgroundService
{
    private static readonly Counter<long> Received = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.mqtt.external.received", description: "Device messages taken from the outside MQTT broker");
    private static readonly Counter<long> Refused = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.mqtt.external.refused", description: "Device messages from the outside broker not stored, by reason");

    private readonly string _clientId = $"evaratech-{Guid.NewGuid():N}";

    /// <summary>Which connection a message came on: an acknowledgement belongs to that connection only.</summary>
    private long _connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var external = options.Value.External;
        using var client = new MqttClientFactory().CreateMqttClient();
        // Messages are stored side by side (gathered into batches), each acknowledged once committed; the broker's
        // in-flight window bounds how many are open at once.
        client.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = false;
            var connection = _connection;
            _ = Task.Run(() => ReceiveAsync(client, e, connection, stoppingToken), CancellationToken.None);
            return Task.CompletedTask;
        };
        var builder = new MqttClientOptionsBuilder().WithTcpServer(external.Host, external.Port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(_clientId).WithCleanStart(false).WithSessionExpiryInterval(3600).WithTimeout(TimeSpan.FromSeconds(10));
        if (external.Username is { Length: > 0 })
        {
            builder.WithCredentials(external.Username, external.Password);
        }

        if (external.UseTls)
        {
            builder.WithTlsOptions(tls => tls.UseTls());
        }

        var connect = builder.Build();
        var topic = $"$share/{external.SharedGroup}/channels/+/publish/#";
        var backOff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!client.IsConnected)
                {
                    Interlocked.Increment(ref _connection);
                    await client.ConnectAsync(connect, stoppingToken);
                    await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
                    logger.LogInformation("Consuming {Topic} from the MQTT broker at {Host}:{Port}", topic, external.Host, external.Port);
                }

                backOff = TimeSpan.FromSeconds(1);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The MQTT broker at {Host}:{Port} cannot be reached; trying again in {Wait}", external.Host, external.Port, backOff);
                backOff = TimeSpan.FromTicks(Math.Min(backOff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }

            try
            {
                await Task.Delay(backOff, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }
    }

    private async Task ReceiveAsync(IMqttClient client, MqttApplicationMessageReceivedEventArgs e, long connection, CancellationToken stoppingToken)
    {
        Received.Add(1);
        var message = e.ApplicationMessage;
        try
        {
            var publish = message.Payload.Length <= options.Value.MaxMessageBytes
                ? ThingSpeakTopics.Read(message.Topic, System.Buffers.BuffersExtensions.ToArray(message.Payload))
                : null;
            var node = publish is null ? null : await NodeOfAsync(publish.ChannelId, stoppingToken);
            if (publish is null || node is null)
            {
                // Nothing the platform can store, now or later: taken off the broker (below), counted and logged (the
                // broker authenticated the device, so this is a misconfiguration worth seeing).
                var reason = publish is null ? "unreadable" : "unknown_channel";
                Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
                logger.LogWarning("A message on {Topic} ({Bytes} bytes) was not stored: {Reason}", message.Topic, message.Payload.Length, reason);
            }
            else
            {
                await ingestion.StoreAsync(node.Value, publish.Fields, publish.CreatedAt, stoppingToken);
            }
        }
        catch (Exception failure)
        {
            // Unacknowledged, and the connection dropped: the broker gives the message out again.
            Refused.Add(1, new KeyValuePair<string, object?>("reason", "store_failed"));
            logger.LogWarning(failure, "A message on {Topic} could not be stored; it stays with the broker", message.Topic);
            if (client.IsConnected)
            {
                await client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.UnspecifiedError }, CancellationToken.None)
                    .ContinueWith(_ => { }, TaskScheduler.Default);
            }

            return;
        }

        // Committed. On the connection it came on, acknowledged; if that connection is gone the broker gives it out again
        // and it is stored again (once more for a message without created_at: at least once across a dropped connection).
        if (Interlocked.Read(ref _connection) == connection && client.IsConnected)
        {
            try
            {
                await e.AcknowledgeAsync(stoppingToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                logger.LogWarning(failure, "A committed message on {Topic} could not be acknowledged; the broker will send it again", message.Topic);
            }
        }
    }

    private async Task<Guid?> NodeOfAsync(long channelId, CancellationToken cancellationToken) =>
        (await scopes.RunAsync(services => services.GetRequiredService<INodeIngestionSources>().FindByChannelsAsync([channelId], cancellationToken), cancellationToken))
            .TryGetValue(channelId, out var node) ? node : null;
}
