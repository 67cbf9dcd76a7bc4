namespace EvaraTech.Modules.Telemetry.Domain;

/// <summary>
/// Which reading times storage accepts: nothing older than the raw retention (it would be dropped with its partition
/// or chunk anyway, and has no partition to land in) and nothing from the future beyond a small clock skew.
/// </summary>
public static class ReadingWindow
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(90);
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

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
