namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>An alert a replay raised: when the breach began, when it had held long enough, and when it cleared (if it did).</summary>
public sealed record ReplayedAlert(DateTimeOffset BreachSince, DateTimeOffset RaisedAt, double Value, DateTimeOffset? ResolvedAt, double? ResolvedValue);

/// <summary>
/// A rule played over stored history as live evaluation would have played it: the same <see cref="RuleEvaluation"/>
/// from a quiet state, then the lifecycle's own rules in memory (one open alert at a time; no alert raised within the
/// cooldown after the last one resolved, though evaluation still holds the breach open until it clears).
/// </summary>
public static class RuleReplay
{
    public static IReadOnlyList<ReplayedAlert> Play(AlertCondition condition, TimeSpan duration, TimeSpan cooldown, IEnumerable<MetricReading> readings)
    {
        var (_, decisions) = RuleEvaluation.Evaluate(condition, duration, RuleState.Quiet, readings);
        var alerts = new List<ReplayedAlert>();
        ReplayedAlert? open = null;
        DateTimeOffset? lastResolved = null;
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

        if (open is not null)
        {
            alerts.Add(open);
        }

        return alerts;
    }
}
