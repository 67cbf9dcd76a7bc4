using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Reporting.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;

namespace EvaraTech.Modules.Realtime;

/// <summary>Hands the platform's integration events to the <see cref="RealtimeBroadcaster"/>.</summary>
public sealed class BroadcastIntegrationEvents(RealtimeBroadcaster broadcaster)
    : IIntegrationEventHandler<TelemetryBatchRecorded>, IIntegrationEventHandler<NodeStatusChanged>, IIntegrationEventHandler<AlertRaised>,
      IIntegrationEventHandler<AlertAcknowledged>, IIntegrationEventHandler<AlertResolved>, IIntegrationEventHandler<DashboardStatsRefreshed>
{
    public Task HandleAsync(TelemetryBatchRecorded batch, CancellationToken cancellationToken)
    {
        broadcaster.Enqueue(batch);
        return Task.CompletedTask;
    }

    public Task HandleAsync(NodeStatusChanged change, CancellationToken cancellationToken) =>
        broadcaster.SendAsync(change.NodeId, clients => clients.NodeStatusChanged(
            new NodeStatusMessage(change.NodeId, change.PreviousStatus, change.Status, change.Reason, change.OccurredAt)), cancellationToken);

    public Task HandleAsync(AlertRaised alert, CancellationToken cancellationToken) =>
        broadcaster.SendAsync(alert.NodeId, clients => clients.AlertRaised(
            new AlertMessage(alert.AlertId, alert.RuleId, alert.NodeId, alert.Severity, "raised", alert.Message, alert.Value, alert.TriggeredAt)), cancellationToken);

    public Task HandleAsync(AlertAcknowledged alert, CancellationToken cancellationToken) =>
        broadcaster.SendAsync(alert.NodeId, clients => clients.AlertAcknowledged(
            new AlertMessage(alert.AlertId, alert.RuleId, alert.NodeId, alert.Severity, "acknowledged", null, null, alert.AcknowledgedAt)), cancellationToken);

    public Task HandleAsync(AlertResolved alert, CancellationToken cancellationToken) =>
        broadcaster.SendAsync(alert.NodeId, clients => clients.AlertResolved(
            new AlertMessage(alert.AlertId, alert.RuleId, alert.NodeId, alert.Severity, "resolved", alert.Resolution, null, alert.ResolvedAt)), cancellationToken);

    public Task HandleAsync(DashboardStatsRefreshed refreshed, CancellationToken cancellationToken) =>
        broadcaster.SendToAllAsync(clients => clients.DashboardStatsChanged(new DashboardMessage(refreshed.RefreshedAt)));
}
