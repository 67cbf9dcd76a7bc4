namespace EvaraTech.Modules.Telemetry.Domain;

/// <summary>The stored inputs of a node's health (telemetry.device_states).</summary>
public sealed record HealthInputs(
    DateTimeOffset? LastReadingAt, int Readings24h, double? BatteryVoltage, int? RssiDbm, int OpenAlerts);

/// <summary>One part of the score: its value in 0..1 (null when the node reports nothing for it) and its weight.</summary>
public sealed record HealthPart(string Name, double? Score, double Weight, string Basis);

/// <summary>A node's health out of 100 and how much of the formula had data to go on (0..1).</summary>
public sealed record HealthScore(double Score, double Confidence, IReadOnlyList<HealthPart> Parts)
{
    /// <summary>A node is expected to report at least every 15 minutes: 96 readings a day.</summary>
    public static readonly TimeSpan ExpectedInterval = TimeSpan.FromMinutes(15);
    public const int ExpectedReadings24h = 96;

    public const double FreshnessWeight = 0.35;
    public const double CompletenessWeight = 0.25;
    public const double BatteryWeight = 0.15;
    public const double SignalWeight = 0.10;
    public const double AlertsWeight = 0.15;

    // Li-ion cell: empty at 3.3 V, full at 4.0 V. Signal: unusable at -115 dBm, excellent at -70 dBm.
    public const double BatteryEmptyVolts = 3.3;
    public const double BatteryFullVolts = 4.0;
    public const double SignalLostDbm = -115;
    public const double SignalExcellentDbm = -70;

    /// <summary>
    /// score = 100 × Σ(weight × part) / Σ(weight of parts with data), with
    /// freshness 1 while the last reading is within two expected intervals, falling linearly to 0 at 24 hours;
    /// completeness = readings in the last 24 h / 96, at most 1;
    /// battery and signal linear between the limits above (unknown for mains-powered or unreporting nodes);
    /// alerts 1 with none open, 0.5 with one, 0 with more.
    /// confidence = Σ(weight of parts with data) × completeness: a node that reports little is scored on little.
    /// </summary>
    public static HealthScore Compute(HealthInputs inputs, DateTimeOffset now)
    {
        var freshness = Freshness(inputs.LastReadingAt, now);
        var completeness = Math.Min(1.0, inputs.Readings24h / (double)ExpectedReadings24h);
        HealthPart[] parts =
        [
            new("freshness", freshness, FreshnessWeight, inputs.LastReadingAt is { } last
                ? $"last reading {(long)(now - last).TotalSeconds} s ago" : "no reading yet"),
            new("completeness", completeness, CompletenessWeight, $"{inputs.Readings24h} of {ExpectedReadings24h} expected readings in 24 h"),
            new("battery", inputs.BatteryVoltage is { } volts ? Linear(volts, BatteryEmptyVolts, BatteryFullVolts) : null, BatteryWeight,
                inputs.BatteryVoltage is { } v ? $"{v:0.00} V" : "not reported"),
            new("signal", inputs.RssiDbm is { } dbm ? Linear(dbm, SignalLostDbm, SignalExcellentDbm) : null, SignalWeight,
                inputs.RssiDbm is { } d ? $"{d} dBm" : "not reported"),
            new("alerts", inputs.OpenAlerts switch { 0 => 1.0, 1 => 0.5, _ => 0.0 }, AlertsWeight, $"{inputs.OpenAlerts} open"),
        ];

        var known = parts.Where(p => p.Score is not null).ToList();
        var knownWeight = known.Sum(p => p.Weight);
        var score = 100.0 * known.Sum(p => p.Weight * p.Score!.Value) / knownWeight;
        return new HealthScore(Math.Round(score, 1), Math.Round(knownWeight * completeness, 3), parts);
    }

    private static double Freshness(DateTimeOffset? lastReadingAt, DateTimeOffset now)
    {
        if (lastReadingAt is not { } last)
        {
            return 0;
        }

        var age = now - last;
        var grace = 2 * ExpectedInterval;
        var dead = TimeSpan.FromHours(24);
        return age <= grace ? 1.0 : age >= dead ? 0.0 : 1.0 - ((age - grace) / (dead - grace));
    }

    private static double Linear(double value, double zeroAt, double oneAt) => Math.Clamp((value - zeroAt) / (oneAt - zeroAt), 0.0, 1.0);
}
