namespace EvaraTech.Modules.Nodes.Contracts;

/// <summary>
/// The Nodes module's published entry for ingestion: what a poll or push did to a node's operational state. Both
/// go through the versioned state path, so status changes are published exactly once.
/// </summary>
public interface INodeTelemetryState
{
    /// <summary>
    /// Readings from each node's oldest to its newest were stored: first seen moves back, last seen moves on, failures
    /// reset, an offline node is online. One call for a whole batch of nodes.
    /// </summary>
    Task RecordReadingsAsync(IReadOnlyCollection<(Guid NodeId, DateTimeOffset Oldest, DateTimeOffset Newest)> readings, CancellationToken cancellationToken);

    /// <summary>
    /// Devices reported the firmware they run (<c>fw=1.4.2</c> in a status, a <c>firmware</c> parameter): a version that
    /// differs from the node's recorded one replaces it, audited as the device's change.
    /// </summary>
    Task RecordFirmwareAsync(IReadOnlyCollection<(Guid NodeId, string Version, DateTimeOffset At)> reports, CancellationToken cancellationToken);

    /// <summary>Polls succeeded without new readings: the channels answer again, so their failure counts reset.</summary>
    Task RecordPollsSucceededAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken);

    /// <summary>Polls failed: each failure count grows and the error is kept for operators.</summary>
    Task RecordPollFailuresAsync(IReadOnlyCollection<(Guid NodeId, string Error)> failures, CancellationToken cancellationToken);
}

/// <summary>
/// The Nodes module's published entry for Alerts: critical alerts put a node in Alert status and their end takes it
/// out, through the versioned state path (a status change is published once, never flip-flopped by a race).
/// </summary>
public interface INodeAlertState
{
    Task CriticalAlertOpenedAsync(Guid nodeId, CancellationToken cancellationToken);

    /// <summary>Called when the node has no open critical alert any more.</summary>
    Task CriticalAlertsClearedAsync(Guid nodeId, CancellationToken cancellationToken);
}
