using System.Globalization;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// Reads ThingSpeak's CSV bulk form: <c>updates</c> holds entries separated by <c>|</c>, each
/// <c>time,field1,…,field8,latitude,longitude,elevation,status</c>; with <c>time_format=absolute</c> the time is a
/// datetime (ISO 8601, MySQL or epoch), with <c>relative</c> the seconds since the entry before. Trailing columns may
/// be left out; empty fields are unknown.
/// </summary>
internal static class BulkUpdateCsv
{
    public static IReadOnlyList<BulkEntry> Parse(string? timeFormat, string? updates)
    {
        var relative = timeFormat?.Trim().ToLowerInvariant() switch
        {
            "absolute" => false,
            "relative" => true,
            _ => throw BulkUpdateBody.Malformed("time_format is absolute or relative.", "time_format"),
        };
        if (string.IsNullOrWhiteSpace(updates))
        {
            throw BulkUpdateBody.Malformed("updates holds at least one entry.", "updates");
        }

        return [.. updates.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select((row, index) => Entry(row, index, relative))];
    }

    private static BulkEntry Entry(string row, int index, bool relative)
    {
        var columns = row.Split(',');
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 1; i <= 8 && i < columns.Length; i++)
        {
            fields[$"field{i}"] = string.IsNullOrWhiteSpace(columns[i]) ? null : columns[i];
        }

        var time = columns[0].Trim();
        if (!relative)
        {
            return new BulkEntry(time, null, fields);
        }

        return double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds)
            ? new BulkEntry(null, seconds, fields)
            : throw BulkUpdateBody.Malformed($"updates[{index}]: a relative time is a number of seconds.", $"updates[{index}]");
    }
}
