using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Ingestion;
using Microsoft.Extensions.Hosting;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>
/// The embedded broker: MQTTnet's server, started with the platform's rules attached. A device connects with its node's MQTT
/// credentials (client id, user name, password) or its channel's write key as the password (any user name and client
/// id), is authorised for that channel only, and publishes to
/// ThingSpeak's topics (<see cref="ThingSpeakTopics"/>). A publish is stored through <see cref="MqttIngestion"/> and
/// acknowledged (QoS 1) only once committed; a failed store closes the connection unacknowledged, so the device sends
/// it again. Refused (and counted by reason): wrong keys (each counted against the address, like device pushes),
/// too many connections from one address, another channel's or an unknown topic, a message over the size limit, a
/// device over its rate. MQTT 5 clients get the reason code; a MQTT 3.1.1 QoS 1 publish that is refused closes the
/// connection, since 3.1.1 can only acknowledge. A client subscribes to its own channel's feed only
/// (<see cref="SubscriptionFeed"/>); the channel's read key subscribes and cannot publish.
/// </summary>
public sealed class MqttBroker(
    MqttServer server, MqttIngestion ingestion, FeedInterest interest, IServiceScopeFactory scopes, WrongWriteKeys wrongKeys,
    IOptions<MqttOptions> options, TimeProvider clock, ILogger<MqttBroker> logger) : IHostedService
{
    private static readonly UpDownCounter<long> Connections = PlatformMetrics.Meter.CreateUpDownCounter<long>(
        "evaratech.mqtt.connections", description: "Devices connected to the embedded MQTT broker");
    private static readonly Counter<long> ConnectionsRefused = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.mqtt.connections.refused", description: "MQTT connections refused, by reason");
    private static readonly Counter<long> Received = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.mqtt.messages.received", description: "MQTT messages published by devices");
    private static readonly Counter<long> Stored = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.mqtt.messages.stored", description: "MQTT messages committed through the ingestion pipeline");
    private static readonly Counter<long> Refused = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.mqtt.messages.refused", description: "MQTT messages refused, by reason");
    private static readonly Histogram<double> PublishToAck = PlatformMetrics.Meter.CreateHistogram<double>(
        "evaratech.mqtt.publish_to_ack", unit: "ms", description: "From a publish's arrival to its commit (its QoS 1 acknowledgement)");

    private const string NodeItem = "evaratech.node";
    private const string ChannelItem = "evaratech.channel";
    private const string VersionItem = "evaratech.version";
    private const string PublishesItem = "evaratech.publishes";

    private readonly ConcurrentDictionary<string, int> _perAddress = new(StringComparer.Ordinal);

    /// <summary>Each node's allowance, whichever connection it sends on (a reconnect gets no fresh burst).</summary>
    private readonly ConcurrentDictionary<Guid, TokenBucket> _rates = new();

    private readonly Lazy<Task> _stop = new(() => server.StopAsync(new MqttServerStopOptionsBuilder().Build()));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        server.ValidatingConnectionAsync += ValidateConnectionAsync;
        server.ClientConnectedAsync += ConnectedAsync;
        server.ClientDisconnectedAsync += DisconnectedAsync;
        server.InterceptingPublishAsync += InterceptPublishAsync;
        server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        // A port it cannot open stops the platform starting, rather than leaving it running without its broker.
        return server.StartAsync();
    }

    /// <summary>
    /// Stops the server once, however many times the host asks: a test host stops its services twice at once (its own
    /// stop and the application's), and two of MQTTnet's stops run together fail on its listeners.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken) => _stop.Value;

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var address = AddressOf(e.RemoteEndPoint);
        if (string.IsNullOrEmpty(e.ClientId))
        {
            RefuseConnection(e, "client_id", MqttConnectReasonCode.ClientIdentifierNotValid);
            return;
        }

        if (wrongKeys.WaitFor(address) is not null)
        {
            RefuseConnection(e, "wrong_keys_throttled", MqttConnectReasonCode.QuotaExceeded);
            return;
        }

        var (source, publishes) = e.Password is { Length: > 0 } password
            ? await ChannelOfAsync(e.ClientId, e.UserName, password.Trim(), e.CancellationToken)
            : (null, false);
        if (source is not { ChannelId: { } channel } found)
        {
            wrongKeys.Record(address);
            RefuseConnection(e, "bad_credentials", MqttConnectReasonCode.BadUserNameOrPassword);
            return;
        }

        // A kept session is resumed with the identity it was made with: a client id another node's session (or the
        // same node's with other rights) holds is refused, never handed over.
        if ((await server.GetSessionsAsync()).FirstOrDefault(session => session.Id == e.ClientId) is { } existing
            && (existing.Items[NodeItem] is not Guid owner || owner != found.Node.Id || existing.Items[PublishesItem] is not bool rights || rights != publishes))
        {
            RefuseConnection(e, "client_id_taken", MqttConnectReasonCode.ClientIdentifierNotValid);
            return;
        }

        if (_perAddress.GetValueOrDefault(address) >= options.Value.ConnectionsPerAddress)
        {
            RefuseConnection(e, "connections_per_address", MqttConnectReasonCode.QuotaExceeded);
            return;
        }

        e.SessionItems[NodeItem] = found.Node.Id;
        e.SessionItems[ChannelItem] = channel;
        e.SessionItems[PublishesItem] = publishes;
        e.SessionItems[VersionItem] = e.ProtocolVersion;
    }

    /// <summary>Connections are counted per connection (its own address), as MQTTnet reports them opened and closed, whatever their session.</summary>
    private Task ConnectedAsync(ClientConnectedEventArgs e)
    {
        _perAddress.AddOrUpdate(AddressOf(e.RemoteEndPoint), 1, (_, n) => n + 1);
        Connections.Add(1);
        return Task.CompletedTask;
    }

    private Task DisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        var address = AddressOf(e.RemoteEndPoint);
        if (_perAddress.AddOrUpdate(address, 0, (_, n) => Math.Max(0, n - 1)) == 0)
        {
            _perAddress.TryRemove(new KeyValuePair<string, int>(address, 0));
        }

        Connections.Add(-1);
        return Task.CompletedTask;
    }

    /// <summary>An end point's address without its port.</summary>
    private static string AddressOf(EndPoint? endpoint) => endpoint is IPEndPoint ip ? ip.Address.ToString() : endpoint?.ToString() ?? "unknown";

    private async Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            // The platform's own: stored readings fanned out to subscribers (SubscriptionFeed).
            return;
        }

        // Readings are stored, not routed: nothing subscribes to a device's publish.
        e.ProcessPublish = false;
        Received.Add(1);
        if (e.SessionItems[NodeItem] is not Guid node || e.SessionItems[ChannelItem] is not long channel || e.SessionItems[PublishesItem] is not true)
        {
            RefusePublish(e, "not_authorized", MqttPubAckReasonCode.NotAuthorized);
            return;
        }

        var message = e.ApplicationMessage;
        if (message.Payload.Length > options.Value.MaxMessageBytes)
        {
            RefusePublish(e, "too_large", MqttPubAckReasonCode.PayloadFormatInvalid);
            return;
        }

        if (ThingSpeakTopics.Channel(message.Topic) is not { } target)
        {
            RefusePublish(e, "unknown_topic", MqttPubAckReasonCode.TopicNameInvalid);
            return;
        }

        if (target != channel)
        {
            RefusePublish(e, "not_authorized", MqttPubAckReasonCode.NotAuthorized);
            return;
        }

        if (!_rates.GetOrAdd(node, _ => new TokenBucket(options.Value.MessagesPerSecond, options.Value.Burst, clock)).TryTake())
        {
            RefusePublish(e, "rate", MqttPubAckReasonCode.QuotaExceeded);
            return;
        }

        var publish = ThingSpeakTopics.Read(message.Topic, System.Buffers.BuffersExtensions.ToArray(message.Payload))!;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ingestion.StoreAsync(node, publish.Fields, publish.CreatedAt, e.CancellationToken);
        }
        catch (Exception failure)
        {
            // Not stored, so not acknowledged: closing the connection makes the device send it again.
            logger.LogWarning(failure, "A publish of channel {Channel} could not be stored; the connection is closed unacknowledged", channel);
            Refused.Add(1, new KeyValuePair<string, object?>("reason", "store_failed"));
            e.CloseConnection = true;
            return;
        }

        Stored.Add(1);
        PublishToAck.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        e.Response.ReasonCode = MqttPubAckReasonCode.Success;
    }

    /// <summary>
    /// A client subscribes to its own channel's feed only: ThingSpeak's subscribe topics, a field or every field. Every
    /// instance learns that the node is followed before the client has its SUBACK.
    /// </summary>
    private async Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems[ChannelItem] is long channel && ThingSpeakTopics.SubscribedChannel(e.TopicFilter.Topic) == channel
            && e.SessionItems[NodeItem] is Guid node)
        {
            await interest.SubscribingAsync(e.ClientId, node);
            return;
        }

        e.ProcessSubscription = false;
        e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        Refused.Add(1, new KeyValuePair<string, object?>("reason", "subscribe_not_authorized"));
    }

    private static void RefuseConnection(ValidatingConnectionEventArgs e, string reason, MqttConnectReasonCode code)
    {
        ConnectionsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        e.ReasonCode = code;
    }

    private static void RefusePublish(InterceptingPublishEventArgs e, string reason, MqttPubAckReasonCode code)
    {
        Refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        if (e.SessionItems[VersionItem] is MqttProtocolVersion.V500)
        {
            e.Response.ReasonCode = code;
        }
        else if (e.ApplicationMessage.QualityOfServiceLevel != MqttQualityOfServiceLevel.AtMostOnce)
        {
            e.CloseConnection = true;
        }
    }

    /// <summary>
    /// The node these credentials are for, and whether they may publish: its MQTT device credentials (client id, user
    /// name, password) or the channel's write key as the password publish and subscribe; its read key subscribes only.
    /// </summary>
    private async Task<(IngestionSource? Source, bool Publishes)> ChannelOfAsync(string clientId, string? username, string password, CancellationToken cancellationToken) =>
        await scopes.RunAsync(async services =>
        {
            var sources = services.GetRequiredService<INodeIngestionSources>();
            var node = username is { Length: > 0 } ? await sources.FindByMqttCredentialsAsync(clientId, username, password, cancellationToken) : null;
            node ??= await sources.FindByWriteKeyAsync(password, cancellationToken);
            var publishes = node is not null;
            node ??= await sources.FindByReadKeyAsync(password, cancellationToken);
            return node is { } found ? ((await sources.IngestionSourcesAsync([found], cancellationToken)).SingleOrDefault(), publishes) : (null, false);
        }, cancellationToken);

    /// <summary>A device's allowance: <c>burst</c> messages at once, refilled at <c>rate</c> a second.</summary>
    private sealed class TokenBucket(double rate, int burst, TimeProvider clock)
    {
        private double _tokens = burst;
        private long _at = clock.GetTimestamp();

        public bool TryTake()
        {
            lock (this)
            {
                var now = clock.GetTimestamp();
                _tokens = Math.Min(burst, _tokens + clock.GetElapsedTime(_at, now).TotalSeconds * rate);
                _at = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens--;
                return true;
            }
        }
    }
}
