using System.Globalization;
using System.Text.Json;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;
using Microsoft.Extensions.Hosting;
using MQTTnet;
using MQTTnet.Server;
using StackExchange.Redis;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>One message for the channels' subscribers: a topic and its payload.</summary>
public sealed record FeedMessage(string Topic, string Payload);

/// <summary>
/// ThingSpeak's subscribe topics, fed with every reading stored from any source: <c>channels/&lt;id&gt;/subscribe</c>
/// gets the entry as JSON (<c>channel_id</c>, <c>created_at</c>, <c>field1</c>…, values as text, like a feed entry) and
/// <c>channels/&lt;id&gt;/subscribe/fields/field&lt;n&gt;</c> the field's bare value. A field's value is what was stored for
/// its metric (mapped and calibrated). A batch too large to travel in its event (a poll's back-fill, a bulk upload)
/// sends only its newest entry.
/// </summary>
public sealed class SubscriptionFeed(INodeIngestionSources sources, ITelemetryBatchReader readings, MqttFeedFanOut fanOut, FeedInterest interest)
    : IIntegrationEventHandler<TelemetryBatchRecorded>
{
    public async Task HandleAsync(TelemetryBatchRecorded batch, CancellationToken cancellationToken)
    {
        // Most nodes have no subscriber anywhere: their readings cost the feed nothing.
        if (!interest.IsFollowed(batch.NodeId))
        {
            return;
        }

        if ((await sources.IngestionSourcesAsync([batch.NodeId], cancellationToken)).SingleOrDefault() is not { ChannelId: { } channel } source)
        {
            return;
        }

        // A back-fill or a bulk upload tells subscribers where the channel is now, not its history.
        var stored = batch.Readings ?? await readings.ReadAsync(batch.NodeId, batch.TelemetryType, batch.To, batch.To, cancellationToken);
        var messages = new List<FeedMessage>();
        foreach (var reading in stored)
        {
            var fields = source.Fields.Where(f => reading.Values.ContainsKey(f.Metric)).OrderBy(f => f.Field, StringComparer.Ordinal)
                .Select(f => (f.Field, Value: reading.Values[f.Metric].ToString("R", CultureInfo.InvariantCulture))).ToList();
            var entry = new Dictionary<string, object> { ["channel_id"] = channel, ["created_at"] = reading.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
            foreach (var (field, value) in fields)
            {
                entry[field] = value;
                messages.Add(new FeedMessage($"channels/{channel}/subscribe/fields/{field}", value));
            }

            messages.Insert(messages.Count - fields.Count, new FeedMessage($"channels/{channel}/subscribe", JsonSerializer.Serialize(entry)));
        }

        await fanOut.PublishAsync(messages);
    }
}

/// <summary>
/// Delivers feed messages to the subscribers of every instance: through Redis when the platform has it (each
/// instance hands what it hears to its own broker), else to this instance's broker alone.
/// </summary>
public sealed class MqttFeedFanOut(MqttServer server, IServiceProvider services, ILogger<MqttFeedFanOut> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("evaratech:mqtt:feed");
    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_redis is not null)
        {
            await _redis.GetSubscriber().SubscribeAsync(Channel, (from, value) =>
            {
                if (JsonSerializer.Deserialize<List<FeedMessage>>(value.ToString()) is { } messages)
                {
                    _ = InjectAsync(messages);
                }
            });
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) =>
        _redis is null ? Task.CompletedTask : _redis.GetSubscriber().UnsubscribeAsync(Channel);

    public async Task PublishAsync(IReadOnlyList<FeedMessage> messages)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (_redis is { IsConnected: true })
        {
            await _redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(messages));
            return;
        }

        await InjectAsync(messages);
    }

    private async Task InjectAsync(IReadOnlyList<FeedMessage> messages)
    {
        if (!server.IsStarted)
        {
            // Starting or stopping: there is nobody to tell.
            return;
        }

        try
        {
            foreach (var message in messages)
            {
                await server.InjectApplicationMessage(new InjectedMqttApplicationMessage(
                    new MqttApplicationMessageBuilder().WithTopic(message.Topic).WithPayload(message.Payload).Build()));
            }
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Stored readings could not be handed to the MQTT subscribers");
        }
    }
}
