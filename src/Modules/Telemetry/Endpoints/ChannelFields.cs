using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// An entry's fields in a JSON body: every <c>field…</c> member (a route that takes only <see cref="EntryFields"/>
/// refuses the others by name) and the device's <c>status</c> and <c>firmware</c>; each a string, a number or null,
/// kept as text for the parser.
/// </summary>
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
            if (property.Name.StartsWith("field", StringComparison.Ordinal) || EntryFields.IsCarried(property.Name))
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
