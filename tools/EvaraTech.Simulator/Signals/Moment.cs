namespace EvaraTech.Simulator.Signals;

/// <summary>One grid instant of one channel, with the clock readings the signals are built from.</summary>
internal readonly record struct Moment(long Channel, long Slot, long UnixSeconds)
{
    // The demo sites are in India: daily demand and supply windows follow local time (UTC+05:30).
    private const long LocalOffsetSeconds = 19_800;

    public long LocalDay => (UnixSeconds + LocalOffsetSeconds) / 86_400;

    public double MinuteOfDay => (UnixSeconds + LocalOffsetSeconds - LocalDay * 86_400) / 60.0;

    public double Hours => UnixSeconds / 3_600.0;

    public double Days => UnixSeconds / 86_400.0;

    /// <summary>Measurement noise for the <paramref name="field"/>-th value of this reading.</summary>
    public double Jiggle(int field) => Noise.Gaussian(Channel, Slot * 16 + field, Salt.Measurement);

    /// <summary>A daily cycle in [-1, 1] that peaks at <paramref name="peakMinute"/> local time.</summary>
    public double Diurnal(double peakMinute) => Math.Cos(2 * Math.PI * (MinuteOfDay - peakMinute) / 1_440);
}

/// <summary>A daily window (pump run, supply hours) that starts a little earlier or later each day.</summary>
internal readonly record struct DailyWindow(double Start, double Length)
{
    public static DailyWindow Jittered(long channel, long day, Salt salt, double nominalStart, double length, double jitterMinutes) =>
        new(nominalStart + jitterMinutes * (2 * Noise.Unit(channel, day, salt) - 1), length);

    /// <summary>How much of the window has passed at <paramref name="minute"/>, from 0 to 1.</summary>
    public double Progress(double minute) => Math.Clamp((minute - Start) / Length, 0, 1);

    public bool Contains(double minute) => minute >= Start && minute < Start + Length;
}

/// <summary>One value of a reading before it becomes a ThingSpeak string.</summary>
internal readonly record struct Measure(string Field, double Value, int Decimals, bool IsCounter = false, string? Text = null)
{
    /// <summary>Counters and states are never spiked: a spike is a sensor glitch, not a meter jump.</summary>
    public bool CanSpike => !IsCounter && Text is null;

    private static readonly string[] Formats = ["F0", "F1", "F2", "F3"];

    public string Format() => Text ?? Math.Round(Value, Decimals).ToString(Formats[Decimals], System.Globalization.CultureInfo.InvariantCulture);
}
