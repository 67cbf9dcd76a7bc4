namespace EvaraTech.Modules.Telemetry.Domain;

public enum SeriesResolution
{
    Raw,
    Hour,
    Day,
}

/// <summary>
/// How a series over a time range is read: raw readings for short spans, hourly rollups up to two months, daily
/// rollups beyond (a wide range read from rollups costs a bucket per hour or day, not a row per reading). Each resolution has a span cap, so no request can ask for an
/// unbounded number of points; raw pages are additionally capped by their limit.
/// </summary>
public static class SeriesPlan
{
    public static readonly TimeSpan AutoRawUpTo = TimeSpan.FromHours(6);
    public static readonly TimeSpan AutoHourlyUpTo = TimeSpan.FromDays(60);

    /// <summary>Raw readings are paged, but a page walk is still bounded: a week at most.</summary>
    public static readonly TimeSpan MaxRawSpan = TimeSpan.FromDays(7);

    /// <summary>At most this many buckets in one rollup series.</summary>
    public const int MaxBuckets = 10_000;

    public static readonly IReadOnlyDictionary<string, SeriesResolution?> Resolutions = new Dictionary<string, SeriesResolution?>(StringComparer.Ordinal)
    {
        ["auto"] = null,
        ["raw"] = SeriesResolution.Raw,
        ["hour"] = SeriesResolution.Hour,
        ["day"] = SeriesResolution.Day,
    };

    public static SeriesResolution Choose(SeriesResolution? requested, DateTimeOffset from, DateTimeOffset to)
    {
        if (requested is { } chosen)
        {
            return chosen;
        }

        var span = to - from;
        return span <= AutoRawUpTo ? SeriesResolution.Raw
            : span <= AutoHourlyUpTo ? SeriesResolution.Hour
            : SeriesResolution.Day;
    }

    /// <summary>The longest span a resolution may be asked for.</summary>
    public static TimeSpan MaxSpan(SeriesResolution resolution) => resolution switch
    {
        SeriesResolution.Raw => MaxRawSpan,
        SeriesResolution.Hour => TimeSpan.FromHours(MaxBuckets),
        _ => TimeSpan.FromDays(MaxBuckets),
    };

    public static TimeSpan BucketWidth(SeriesResolution resolution) => resolution switch
    {
        SeriesResolution.Hour => TimeSpan.FromHours(1),
        SeriesResolution.Day => TimeSpan.FromDays(1),
        _ => TimeSpan.Zero,
    };
}
