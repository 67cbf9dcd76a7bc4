namespace EvaraTech.Modules.Realtime;

/// <summary>The <c>Realtime</c> settings.</summary>
public sealed class RealtimeOptions
{
    public const string Section = "Realtime";

    /// <summary>How long telemetry is gathered before it is sent: a poll cycle's batches go out together.</summary>
    public int FlushMilliseconds { get; set; } = 250;

    /// <summary>How often the open connections' users are checked: at most this long after access ends, live data stops.</summary>
    public int AccessCheckSeconds { get; set; } = 2;
}
