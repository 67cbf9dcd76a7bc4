namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>One outage as recorded: from when a node went Offline until its data returned (open while it is still out).</summary>
public sealed record Outage(DateTimeOffset Start, DateTimeOffset? End);

/// <summary>The part of an outage inside the reported period.</summary>
public sealed record OutageSpan(DateTimeOffset Start, DateTimeOffset End, bool Ongoing)
{
    public long Seconds => (long)(End - Start).TotalSeconds;
}

/// <summary>A node's availability over a period: what part of it the node was not down.</summary>
/// <param name="ObservedFrom">where observation starts inside the period (later than From for a node that began reporting inside it); null when nothing was observed</param>
/// <param name="UptimePercent">null when nothing of the period was observed (it has not begun, or the node had not begun to report)</param>
public sealed record UptimeFigures(DateTimeOffset From, DateTimeOffset To, DateTimeOffset? ObservedFrom, long ObservedSeconds, long DowntimeSeconds,
    double? UptimePercent, IReadOnlyList<OutageSpan> Outages);

/// <summary>
/// SLA uptime from outage records. The observed period is [max(from, observedSince), min(to, now)): the future is not
/// counted as up, and neither is the time before the node began to report (a node created 20 minutes ago has 20 minutes
/// of record, not the whole period).
/// Each outage is clipped to that period, so one that straddles an edge counts only its inside part; an open outage
/// lasts until now. Overlapping records (which the one-open-per-node index makes rare) are merged, never counted twice.
/// </summary>
public static class Uptime
{
    /// <param name="observedSince">when the node began to be observed: its first reading, or its creation while it has none</param>
    public static UptimeFigures Over(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, DateTimeOffset observedSince, IEnumerable<Outage> outages)
    {
        var requested = from;
        from = observedSince > from ? observedSince : from;
        var end = to < now ? to : now;
        if (end <= from)
        {
            return new UptimeFigures(requested, to, null, 0, 0, null, []);
        }

        var spans = new List<OutageSpan>();
        foreach (var outage in outages.OrderBy(o => o.Start))
        {
            var start = outage.Start > from ? outage.Start : from;
            var stop = outage.End is { } closed && closed < end ? closed : end;
            if (stop <= start)
            {
                continue;
            }

            var ongoing = outage.End is null || outage.End > end;
            if (spans.Count > 0 && spans[^1] is var last && start <= last.End)
            {
                spans[^1] = last with { End = stop > last.End ? stop : last.End, Ongoing = last.Ongoing || ongoing };
                continue;
            }

            spans.Add(new OutageSpan(start, stop, ongoing));
        }

        var observed = (end - from).TotalSeconds;
        var down = spans.Sum(s => (s.End - s.Start).TotalSeconds);
        return new UptimeFigures(requested, to, from, (long)observed, (long)Math.Round(down), Math.Round(100 * (observed - down) / observed, 4), spans);
    }
}
