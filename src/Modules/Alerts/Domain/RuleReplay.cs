namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>An alert a replay raised: when the breach began, when it had held long enough, and when it cleared (if it did).</summary>
public sealed record ReplayedAlert(DateTimeOffset BreachSince, DateTimeOffset RaisedAt, double Value, DateTimeOffset? ResolvedAt, double? ResolvedValue);

/// <summary>
/// A rule played over stored history as live evaluation plays it, a reading at a time: the same
/// <see cref="RuleEvaluation"/>, then the lifecycle's own rules in memory (one open alert at a time; no alert raised
/// within the cooldown after the last one resolved). As live, whether an alert is open is what the history says, not
/// what evaluation assumed: a raise the cooldown held back leaves nothing open, so a breach that outlasts the cooldown
/// raises at its first reading after it.
/// </summary>
public static class RuleReplay
{
    public static IReadOnlyList<ReplayedAlert> Play(AlertCondition condition, TimeSpan duration, TimeSpan cooldown, IEnumerable<MetricReading> readings)
    {
        var alerts = new List<ReplayedAlert>();
        var state = RuleState.Quiet;
        ReplayedAlert? open = null;
        DateTimeOffset? lastResolved = null;
        foreach (var reading in readings.OrderBy(r => r.At))
        {
            var (next, decisions) = RuleEvaluation.Evaluate(condition, duration, state with { AlertOpen = open is not null }, [reading]);
            foreach (var decision in decisions)
            {
                switch (decision)
                {
                    case RaiseAlert raise when open is null && (lastResolved is not { } resolved || raise.At - resolved >= cooldown):
                        open = new ReplayedAlert(raise.BreachSince, raise.At, raise.Value, null, null);
                        break;
                    case ResolveAlert resolve when open is not null:
                        alerts.Add(open with { ResolvedAt = resolve.At, ResolvedValue = resolve.Value });
                        lastResolved = resolve.At;
                        open = null;
                        break;
                }
            }

            state = next with { AlertOpen = open is not null };
        }

        if (open is not null)
        {
            alerts.Add(open);
        }

        return alerts;
    }
}
