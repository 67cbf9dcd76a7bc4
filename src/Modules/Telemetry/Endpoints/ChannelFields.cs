using System.Text.Json;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>Channel fields in a JSON body: <c>field1</c>..<c>field8</c>, each a string, a number or null, kept as text for the parser.</summary>
internal static class ChannelFields
{
    public static Dictionary<string, string?> Of(JsonElement entry)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return fields;
        }

        foreach (var property in entry.EnumerateObject())
        {
            if (property.Name.StartsWith("field", StringComparison.Ordinal))
            {
                fields[property.Name] = Text(property.Value);
            }
        }

        return fields;
    }

    public static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
