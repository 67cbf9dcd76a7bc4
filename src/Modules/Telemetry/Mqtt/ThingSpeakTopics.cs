using System.Text;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using Microsoft.AspNetCore.WebUtilities;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>A publish to one of ThingSpeak's MQTT topics: the channel, and the entry's fields with its <c>created_at</c>, if any.</summary>
public sealed record ChannelPublish(long ChannelId, IReadOnlyDictionary<string, string?> Fields, string? CreatedAt);

/// <summary>
/// ThingSpeak's MQTT API: <c>channels/&lt;id&gt;/publish</c> with the form-encoded entry
/// (<c>field1=…&amp;status=…&amp;created_at=…</c>) and <c>channels/&lt;id&gt;/publish/fields/field&lt;n&gt;</c> with the bare value.
/// Entry keys other than the fields, <c>status</c>, <c>firmware</c> and <c>created_at</c> are ignored, as ThingSpeak ignores them.
/// </summary>
public static class ThingSpeakTopics
{
    /// <returns>the channel a topic publishes to, or null when it is not a ThingSpeak publish topic</returns>
    public static long? Channel(string topic) => ChannelOf(topic, "publish", wildcardField: false);

    /// <returns>the channel a subscription's filter follows (<c>channels/&lt;id&gt;/subscribe</c>, <c>…/subscribe/fields/field&lt;n&gt;</c> or <c>…/subscribe/fields/+</c>), or null</returns>
    public static long? SubscribedChannel(string filter) => ChannelOf(filter, "subscribe", wildcardField: true);

    /// <summary><c>channels/&lt;id&gt;/&lt;verb&gt;</c> or <c>channels/&lt;id&gt;/&lt;verb&gt;/fields/field&lt;n&gt;</c> (or <c>+</c> where allowed).</summary>
    private static long? ChannelOf(string topic, string verb, bool wildcardField)
    {
        var parts = topic.Split('/');
        var shaped = (parts.Length == 3 || (parts.Length == 5 && parts[3] == "fields" && ((wildcardField && parts[4] == "+") || Field(parts[4]) is not null)))
            && parts[0] == "channels" && parts[2] == verb;
        return shaped && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var channel) && channel > 0
            ? channel
            : null;
    }

    /// <returns>the publish, or null when the topic is not a ThingSpeak publish topic</returns>
    public static ChannelPublish? Read(string topic, ReadOnlySpan<byte> payload)
    {
        if (Channel(topic) is not { } channel)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(payload).Trim();
        var parts = topic.Split('/');
        if (parts.Length == 5)
        {
            return new ChannelPublish(channel, new Dictionary<string, string?> { [Field(parts[4])!] = text }, null);
        }

        var form = QueryHelpers.ParseQuery(text);
        var fields = form.Where(f => f.Key.StartsWith("field", StringComparison.Ordinal) || EntryFields.IsCarried(f.Key))
            .ToDictionary(f => f.Key, f => (string?)f.Value.ToString(), StringComparer.Ordinal);
        return new ChannelPublish(channel, fields, form.TryGetValue("created_at", out var at) ? at.ToString() : null);
    }

    private static string? Field(string name) =>
        name.StartsWith("field", StringComparison.Ordinal) && int.TryParse(name.AsSpan(5), out var n) && n is >= 1 and <= 8 && name.Length == 6 ? name : null;
}
