using System.Globalization;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// The times devices send (<c>created_at</c>), in the formats ThingSpeak accepts: ISO 8601, MySQL
/// (<c>2026-11-24 10:00:00</c>) or Unix epoch seconds; without an offset, UTC.
/// </summary>
public static class DeviceTimestamps
{
    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
        {
            if (epoch > 253_402_300_799)
            {
                return false;
            }

            at = DateTimeOffset.FromUnixTimeSeconds(epoch);
            return true;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }
}

/// <summary>One entry of a ThingSpeak bulk update: an absolute <c>created_at</c>, or <c>delta_t</c> seconds after the previous entry.</summary>
public sealed record BulkEntry(string? CreatedAt, double? DeltaT, IReadOnlyDictionary<string, string?> Fields);

/// <summary>
/// Places the entries of a bulk update in time. When every entry is relative (<c>delta_t</c>), the last one is the
/// time of the request and each earlier one lies its successor's <c>delta_t</c> before it: a device that buffered
/// readings and then uploaded them. Otherwise the first entry is absolute (<c>created_at</c>) and a relative entry
/// lies <c>delta_t</c> seconds after the entry before it.
/// </summary>
public static class BulkTimeline
{
    /// <summary>Why the entries cannot be placed (the first entry relative, later ones absolute), or null.</summary>
    public static string? Problem(IReadOnlyList<BulkEntry> entries) =>
        entries.Count > 0 && entries[0].CreatedAt is null && entries.Any(e => e.CreatedAt is not null)
            ? "When any update has created_at, the first must have it too (delta_t counts from the entry before)."
            : null;

    /// <returns>each entry's time, in the entries' order; only for entries whose times parse and have no <see cref="Problem"/></returns>
    public static IReadOnlyList<DateTimeOffset> Place(IReadOnlyList<BulkEntry> entries, DateTimeOffset requestTime)
    {
        var times = new DateTimeOffset[entries.Count];
        if (entries.All(e => e.CreatedAt is null))
        {
            for (var i = entries.Count - 1; i >= 0; i--)
            {
                times[i] = i == entries.Count - 1 ? requestTime : times[i + 1] - TimeSpan.FromSeconds(entries[i + 1].DeltaT!.Value);
            }

            return times;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            times[i] = DeviceTimestamps.TryParse(entries[i].CreatedAt, out var at) ? at : times[i - 1] + TimeSpan.FromSeconds(entries[i].DeltaT!.Value);
        }

        return times;
    }
}
