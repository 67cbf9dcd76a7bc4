namespace EvaraTech.Modules.Telemetry.Domain;

/// <summary>
/// Which reading times storage accepts: nothing older than the raw retention (it would be dropped with its partition
/// or chunk anyway, and has no partition to land in) and nothing from the future beyond a small clock skew. The one
/// window for every source: the parser refuses an entry outside it, and the writer never stores a reading outside it.
/// </summary>
public static class ReadingWindow
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);

    /// <summary>Sources stamp their own entries; more than this ahead of our clock is a device clock gone wrong.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public static ReadingTime Classify(DateTimeOffset timestamp, DateTimeOffset now) =>
        timestamp <= now - Retention ? ReadingTime.TooOld
        : timestamp > now + ClockSkew ? ReadingTime.InFuture
        : ReadingTime.Accepted;
}

public enum ReadingTime
{
    Accepted,
    TooOld,
    InFuture,
}
