using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application.TrackDowntime;

/// <summary>
/// Keeps the SLA's outage records from the node's status changes: going Offline opens one, leaving Offline (data
/// returned, or an operator put the node in maintenance) closes it at the time of the change.
/// </summary>
public sealed class TrackDowntimeHandler(DowntimeRecords downtime) : IIntegrationEventHandler<NodeStatusChanged>
{
    private const string Offline = "Offline";

    public async Task HandleAsync(NodeStatusChanged change, CancellationToken cancellationToken)
    {
        if (change.Status != Offline && change.PreviousStatus != Offline)
        {
            return;
        }

        if (change.Status == Offline)
        {
            await downtime.OpenAsync(change.NodeId, change.OccurredAt, change.Reason, change.StateVersion, cancellationToken);
        }
        else
        {
            await downtime.CloseAsync(change.NodeId, change.OccurredAt, change.Reason, change.StateVersion, cancellationToken);
        }
    }
}
