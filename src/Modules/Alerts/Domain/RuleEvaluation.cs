namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>One reading of the rule's metric.</summary>
public readonly record struct MetricReading(DateTimeOffset At, double Value);

/// <summary>
/// Where one rule stands for one node between batches: since when its condition has held without an alert yet
/// (<see cref="BreachSince"/>), and whether an alert is open. Kept in the database, so a duration survives a restart.
/// </summary>
public sealed record RuleState(DateTimeOffset? BreachSince, bool AlertOpen)
{
    public static readonly RuleState Quiet = new(null, false);
}

/// <summary>What evaluation decided: raise an alert, or resolve the open one, at a reading.</summary>
public abstract record RuleDecision(DateTimeOffset At, double Value);

public sealed record RaiseAlert(DateTimeOffset At, double Value, DateTimeOffset BreachSince) : RuleDecision(At, Value);

public sealed record ResolveAlert(DateTimeOffset At, double Value) : RuleDecision(At, Value);

/// <summary>
/// A rule's verdict over a batch, in memory and in time order: a breach raises an alert once it has held for the
/// rule's duration (a shorter blip raises nothing), an open alert resolves when the value crosses back past the clear
/// threshold. Cooldown after resolution is not decided here: the database enforces it in the statement that raises.
/// </summary>
public static class RuleEvaluation
{
    public static (RuleState State, IReadOnlyList<RuleDecision> Decisions) Evaluate(
        AlertCondition condition, TimeSpan duration, RuleState state, IEnumerable<MetricReading> readings)
    {
        var decisions = new List<RuleDecision>();
        foreach (var reading in readings.OrderBy(r => r.At))
        {
            if (state.AlertOpen)
            {
                if (condition.Clears(reading.Value))
                {
                    decisions.Add(new ResolveAlert(reading.At, reading.Value));
                    state = RuleState.Quiet;
                }

                continue;
            }

            if (!condition.Breaches(reading.Value))
            {
                state = RuleState.Quiet;
                continue;
            }

            var since = state.BreachSince is { } earlier && earlier <= reading.At ? earlier : reading.At;
            if (reading.At - since >= duration)
            {
                decisions.Add(new RaiseAlert(reading.At, reading.Value, since));
                state = new RuleState(null, true);
            }
            else
            {
                state = new RuleState(since, false);
            }
        }

        return (state, decisions);
    }
}
