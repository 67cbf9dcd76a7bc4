namespace EvaraTech.Modules.Telemetry.Contracts;

/// <summary>
/// The Telemetry module's published entry for the Alerts module: how many alerts are open on a node, one of the
/// inputs of its health score. Written in the caller's transaction, by whoever raises or closes alerts.
/// </summary>
public interface IOpenAlertCounts
{
    /// <summary>Sets each node's open alerts; a node without readings yet has no device state and is skipped.</summary>
    Task SetAsync(IReadOnlyDictionary<Guid, int> openAlertsByNode, CancellationToken cancellationToken);
}
