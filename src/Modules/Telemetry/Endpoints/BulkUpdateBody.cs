using System.Globalization;
using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// Reads ThingSpeak's bulk JSON body: <c>{"write_api_key": "…", "updates": [{"created_at" | "delta_t", "field1".."field8", …}]}</c>.
/// Field values may be strings or numbers (ThingSpeak takes any); <c>status</c> and <c>firmware</c> go with them (the
/// firmware a device reports); other members (latitude, …) are ignored.
/// </summary>
internal static class BulkUpdateBody
{
    public static (string? WriteKey, string? Timezone, IReadOnlyList<BulkEntry> Updates) Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Malformed("The body is a JSON object.", null);
            }

            var key = root.TryGetProperty("write_api_key", out var keyElement) && keyElement.ValueKind == JsonValueKind.String ? keyElement.GetString() : null;
            var timezone = root.TryGetProperty("timezone", out var zoneElement) && zoneElement.ValueKind == JsonValueKind.String ? zoneElement.GetString() : null;
            if (!root.TryGetProperty("updates", out var updates) || updates.ValueKind != JsonValueKind.Array)
            {
                throw Malformed("updates is an array of entries.", "updates");
            }

            return (key, timezone, [.. updates.EnumerateArray().Select(Entry)]);
        }
        catch (JsonException)
        {
            throw Malformed("The body is not valid JSON.", null);
        }
    }

    private static BulkEntry Entry(JsonElement update, int index)
    {
        if (update.ValueKind != JsonValueKind.Object)
        {
            throw Malformed("Each update is a JSON object.", $"updates[{index}]");
        }

        var fields = ChannelFields.Of(update);
        double? deltaT = null;
        if (update.TryGetProperty("delta_t", out var delta) && ChannelFields.Text(delta) is { } deltaText)
        {
            deltaT = double.TryParse(deltaText, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds)
                ? seconds
                : throw Malformed("delta_t is a number of seconds.", $"updates[{index}].delta_t");
        }

        var createdAt = update.TryGetProperty("created_at", out var created) ? ChannelFields.Text(created) : null;
        return new BulkEntry(createdAt, deltaT, fields);
    }

    internal static AppException Malformed(string message, string? field) =>
        new(ErrorKind.BadRequest, ErrorCodes.MalformedRequest, message, field);
}
