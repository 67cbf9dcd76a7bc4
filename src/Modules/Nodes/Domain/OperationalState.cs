namespace EvaraTech.Modules.Nodes.Domain;

public enum NodeStatus
{
    Provisioning,
    Online,
    Offline,
    Maintenance,
    Alert,
}

/// <summary>
/// A node's operational state, written by pollers, alert jobs and operators alike. Every change is a transition
/// from a state read at <see cref="Version"/>; the store applies it only while the row still has that version.
/// </summary>
public sealed record OperationalState(Guid NodeId, NodeStatus Status, DateTimeOffset? LastSeen, long Version)
{
    /// <summary>How long a silent node still counts as online when it leaves maintenance.</summary>
    public static readonly TimeSpan OfflineAfter = TimeSpan.FromMinutes(15);

    /// <returns>the new status, or null when the node already is where the operator wants it</returns>
    public NodeStatus? SetMaintenance(bool enabled, DateTimeOffset now)
    {
        if (enabled)
        {
            return Status == NodeStatus.Maintenance ? null : NodeStatus.Maintenance;
        }

        if (Status != NodeStatus.Maintenance)
        {
            return null;
        }

        return ByReadings(now);
    }

    /// <summary>
    /// Fresh readings arrived: a provisioning or offline node is online again. Maintenance and Alert are decided by
    /// operators and alerts, not by data arriving; old (back-filled) readings change nothing.
    /// </summary>
    public NodeStatus? ReadingsArrived(DateTimeOffset newest, DateTimeOffset now) =>
        Status is NodeStatus.Provisioning or NodeStatus.Offline && now - newest <= OfflineAfter ? NodeStatus.Online : null;

    /// <summary>
    /// The node has been silent: an online node whose last reading is older than <paramref name="offlineAfter"/> (a
    /// multiple of its reporting interval) is Offline. Alert and Maintenance stay: they say more than silence does.
    /// </summary>
    public NodeStatus? Silent(DateTimeOffset now, TimeSpan offlineAfter) =>
        Status == NodeStatus.Online && LastSeen is { } seen && now - seen > offlineAfter ? NodeStatus.Offline : null;

    /// <summary>A critical alert opened: the node shows Alert, unless an operator has it in maintenance.</summary>
    public NodeStatus? CriticalAlertOpened() => Status is NodeStatus.Maintenance or NodeStatus.Alert ? null : NodeStatus.Alert;

    /// <summary>The node's last critical alert closed: it is what its readings say, as when it leaves maintenance.</summary>
    public NodeStatus? CriticalAlertsCleared(DateTimeOffset now) => Status == NodeStatus.Alert ? ByReadings(now) : null;

    /// <summary>Out of maintenance or alert, a node is what its last reading says it is until the next one arrives.</summary>
    private NodeStatus ByReadings(DateTimeOffset now) => LastSeen switch
    {
        null => NodeStatus.Provisioning,
        { } seen when now - seen <= OfflineAfter => NodeStatus.Online,
        _ => NodeStatus.Offline,
    };
}
