using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// What an entry carries to the pipeline: <c>field1</c>..<c>field8</c>, and the device's own <c>status</c> and
/// <c>firmware</c> (<see cref="ReportedFirmware"/>); each a string, a number or null, kept as text for the parser.
/// </summary>
internal static class ChannelFields
{
    public static readonly IReadOnlyList<string> Names =
        [.. Enumerable.Range(1, 8).Select(i => $"field{i}"), ReportedFirmware.Status, ReportedFirmware.Field];

    public static bool IsCarried(string name) => Names.Contains(name);

    public static Dictionary<string, string?> Of(JsonElement entry)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return fields;
        }

        foreach (var property in entry.EnumerateObject())
        {
            if (IsCarried(property.Name))
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
