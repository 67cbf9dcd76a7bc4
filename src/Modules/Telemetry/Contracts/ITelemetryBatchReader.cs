namespace EvaraTech.Modules.Telemetry.Contracts;

/// <summary>One stored reading as other modules see it: its time and its numeric metrics by canonical name.</summary>
public sealed record StoredReading(DateTimeOffset At, IReadOnlyDictionary<string, double> Values);

/// <summary>
/// The Telemetry module's published read for other modules: the readings a <c>TelemetryBatchRecorded</c> announced
/// (Alerts evaluates them). Unscoped: the platform's own work.
/// </summary>
public interface ITelemetryBatchReader
{
    /// <returns>the metrics readings of a node of <paramref name="analyticsType"/> carry (what alert rules may watch), or none for an unknown type</returns>
    IReadOnlySet<string> MetricsOf(string analyticsType);

    /// <returns>each node's latest reading (nodes without one are absent)</returns>
    Task<IReadOnlyDictionary<Guid, StoredReading>> LatestAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken);

    /// <returns>the node's readings of <paramref name="telemetryType"/> (tank, flow, deep) in [from, to], in time order</returns>
    Task<IReadOnlyList<StoredReading>> ReadAsync(Guid nodeId, string telemetryType, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    /// <returns>
    /// one metric's raw readings of a node of <paramref name="analyticsType"/> in [from, to], in time order, read from that
    /// metric's column alone (a pump running reads 1, stopped 0); none for a metric the type does not have
    /// </returns>
    Task<IReadOnlyList<TimedValue>> ReadMetricAsync(Guid nodeId, string analyticsType, string metric, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken);
}

/// <summary>One metric's value at one time.</summary>
public readonly record struct TimedValue(DateTimeOffset At, double Value);
