namespace EvaraTech.Modules.Alerts.Domain;

public enum ComparisonOperator
{
    GreaterThan,
    GreaterOrEqual,
    LessThan,
    LessOrEqual,
    Equal,
    NotEqual,

    /// <summary>Below the lower threshold or above the upper one.</summary>
    OutsideBand,
}

/// <summary>
/// What a rule compares a metric with, and when a breach is over. With a clear threshold the alert clears only once
/// the value has crossed back past it (hysteresis: a level hovering around the threshold raises one alert, not a
/// flapping series); without one it clears as soon as the condition no longer holds.
/// </summary>
/// <param name="Threshold">the threshold; for <see cref="ComparisonOperator.OutsideBand"/> the lower bound</param>
/// <param name="UpperThreshold">the band's upper bound (outside-band only)</param>
/// <param name="ClearThreshold">
/// for <c>&gt;</c>/<c>&gt;=</c> the value must fall below it, for <c>&lt;</c>/<c>&lt;=</c> rise above it; for a band, the
/// distance inside the band the value must come back by
/// </param>
public sealed record AlertCondition(ComparisonOperator Operator, double Threshold, double? UpperThreshold = null, double? ClearThreshold = null)
{
    /// <summary>Equality of sensor readings: closer than this is equal.</summary>
    public const double Tolerance = 1e-9;

    public bool Breaches(double value) => Operator switch
    {
        ComparisonOperator.GreaterThan => value > Threshold,
        ComparisonOperator.GreaterOrEqual => value >= Threshold,
        ComparisonOperator.LessThan => value < Threshold,
        ComparisonOperator.LessOrEqual => value <= Threshold,
        ComparisonOperator.Equal => Math.Abs(value - Threshold) <= Tolerance,
        ComparisonOperator.NotEqual => Math.Abs(value - Threshold) > Tolerance,
        ComparisonOperator.OutsideBand => value < Threshold || value > UpperThreshold!.Value,
        _ => throw new InvalidOperationException($"Unknown operator {Operator}."),
    };

    /// <summary>Whether an open alert clears at <paramref name="value"/>.</summary>
    public bool Clears(double value) => ClearThreshold is not { } clear
        ? !Breaches(value)
        : Operator switch
        {
            ComparisonOperator.GreaterThan or ComparisonOperator.GreaterOrEqual => value < clear,
            ComparisonOperator.LessThan or ComparisonOperator.LessOrEqual => value > clear,
            ComparisonOperator.OutsideBand => value >= Threshold + clear && value <= UpperThreshold!.Value - clear,
            _ => !Breaches(value),
        };

    /// <summary>Why the condition cannot be used, or null: a band needs its upper bound above the lower; a clear threshold must lie on the safe side.</summary>
    public string? Problem() => Operator switch
    {
        ComparisonOperator.OutsideBand when UpperThreshold is not { } upper || upper <= Threshold => "An outside-band rule needs an upper threshold above the lower one.",
        ComparisonOperator.OutsideBand when ClearThreshold is { } margin && (margin < 0 || 2 * margin >= UpperThreshold!.Value - Threshold) =>
            "The clear margin of a band is not negative and less than half the band.",
        ComparisonOperator.GreaterThan or ComparisonOperator.GreaterOrEqual when ClearThreshold > Threshold => "The clear threshold of an upper limit lies at or below it.",
        ComparisonOperator.LessThan or ComparisonOperator.LessOrEqual when ClearThreshold < Threshold => "The clear threshold of a lower limit lies at or above it.",
        ComparisonOperator.Equal or ComparisonOperator.NotEqual when ClearThreshold is not null => "Equality rules have no clear threshold.",
        not ComparisonOperator.OutsideBand when UpperThreshold is not null => "Only outside-band rules have an upper threshold.",
        _ => null,
    };
}
