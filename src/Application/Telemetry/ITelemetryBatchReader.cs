namespace EvaraTech.Application.Telemetry;

/// <summary>One stored reading as other modules see it: its time and its numeric metrics by canonical name.</summary>
public sealed record StoredReading(DateTimeOffset At, IReadOnlyDictionary<string, double> Values);

/// <summary>
/// The Telemetry module's published read for other modules: the readings a <c>TelemetryBatchRecorded</c> announced
/// (Alerts evaluates them). Unscoped: the platform's own work.
/// </summary>
public interface ITelemetryBatchReader
{
    /// <returns>the node's readings of <paramref name="telemetryType"/> (tank, flow, deep) in [from, to], in time order</returns>
    Task<IReadOnlyList<StoredReading>> ReadAsync(Guid nodeId, string telemetryType, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}
