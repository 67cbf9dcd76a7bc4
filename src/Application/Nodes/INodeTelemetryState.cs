namespace EvaraTech.Application.Nodes;

/// <summary>
/// The Nodes module's published entry for ingestion: what a poll or push did to a node's operational state. Both
/// go through the versioned state path, so status changes are published exactly once.
/// </summary>
public interface INodeTelemetryState
{
    /// <summary>Readings up to <paramref name="newest"/> were stored: last seen moves on, failures reset, an offline node is online.</summary>
    Task RecordReadingsAsync(Guid nodeId, DateTimeOffset newest, CancellationToken cancellationToken);

    /// <summary>A poll succeeded without new readings: the channel answers again, so the failure count resets.</summary>
    Task RecordPollSucceededAsync(Guid nodeId, CancellationToken cancellationToken);

    /// <summary>A poll failed: the failure count grows and the error is kept for operators.</summary>
    Task RecordPollFailureAsync(Guid nodeId, string error, CancellationToken cancellationToken);
}
