using System.Globalization;
using System.Text.Json;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;

namespace EvaraTech.Modules.Telemetry.Mqtt;

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
