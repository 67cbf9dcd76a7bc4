using System.Globalization;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// The times devices send (<c>created_at</c>), in the formats ThingSpeak accepts: ISO 8601, MySQL
/// (<c>2026-11-24 10:00:00</c>, also with an offset such as <c>-0500</c>) or Unix epoch seconds. A time without an
/// offset is local to the request's <c>timezone</c> when one is given (IANA, e.g. <c>America/New_York</c>), else UTC.
/// </summary>
public static class DeviceTimestamps
{
    public static bool TryParse(string? text, out DateTimeOffset at) => TryParse(text, null, out at);

    public static bool TryParse(string? text, TimeZoneInfo? zone, out DateTimeOffset at)
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

        // RoundtripKind leaves a time without an offset Unspecified; one with an offset or Z is then read as that instant.
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed))
        {
            return false;
        }

        try
        {
            at = parsed.Kind != DateTimeKind.Unspecified || zone is null
                ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : new DateTimeOffset(parsed, zone.GetUtcOffset(parsed)).ToUniversalTime();
            return true;
        }
        catch (Exception ex) when (ex is ArgumentOutOfRangeException or FormatException)
        {
            // A time at the edge of the calendar that its offset pushes past it.
            return false;
        }
    }

    /// <returns>the zone of an IANA (or Windows) id, or null when there is no such zone</returns>
    public static TimeZoneInfo? Zone(string? id) =>
        string.IsNullOrWhiteSpace(id) || id.Length > 64 ? null : TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out var zone) ? zone : null;
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
    public static IReadOnlyList<DateTimeOffset> Place(IReadOnlyList<BulkEntry> entries, DateTimeOffset requestTime, TimeZoneInfo? zone = null)
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
            times[i] = DeviceTimestamps.TryParse(entries[i].CreatedAt, zone, out var at) ? at : times[i - 1] + TimeSpan.FromSeconds(entries[i].DeltaT!.Value);
        }

        return times;
    }
}
