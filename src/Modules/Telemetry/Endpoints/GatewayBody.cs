using System.Text.Json;
using EvaraTech.Modules.Telemetry.Application.IngestGatewayBatch;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// Reads a gateway's batch: <c>{"readings": [{"nodeId": "…", "apiKey": "…", "timestamp": "…", "fields": {"field1": 1.5}}]}</c>.
/// Shape errors are 400 here; what the readings say is the validator's.
/// </summary>
internal static class GatewayBody
{
    /// <summary>10,000 readings of eight fields fit in this.</summary>
    public const long Limit = 4 * 1024 * 1024;

    public static IReadOnlyList<GatewayReading>? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw BulkUpdateBody.Malformed("The body is a JSON object.", null);
            }

            return document.RootElement.TryGetProperty("readings", out var readings) && readings.ValueKind == JsonValueKind.Array
                ? [.. readings.EnumerateArray().Select(Reading)]
                : null;
        }
        catch (JsonException)
        {
            throw BulkUpdateBody.Malformed("The body is not valid JSON.", null);
        }
    }

    private static GatewayReading Reading(JsonElement reading, int index)
    {
        if (reading.ValueKind != JsonValueKind.Object)
        {
            throw BulkUpdateBody.Malformed("Each reading is a JSON object.", $"readings[{index}]");
        }

        Guid? nodeId = null;
        if (reading.TryGetProperty("nodeId", out var id) && id.ValueKind != JsonValueKind.Null)
        {
            nodeId = id.ValueKind == JsonValueKind.String && Guid.TryParse(id.GetString(), out var parsed)
                ? parsed
                : throw BulkUpdateBody.Malformed("nodeId is a UUID.", $"readings[{index}].nodeId");
        }

        string? Text(string name) => reading.TryGetProperty(name, out var value) ? ChannelFields.Text(value) : null;
        var fields = reading.TryGetProperty("fields", out var values) && values.ValueKind == JsonValueKind.Object ? ChannelFields.Of(values) : null;
        return new GatewayReading(nodeId, Text("apiKey"), Text("timestamp"), fields);
    }
}
