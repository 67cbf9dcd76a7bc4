using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>
/// What a node shows of its alerts once they changed, in the same transaction: its status follows its critical alerts
/// (one raised puts it in Alert, the resolution of its last open one takes it out, through the Nodes module's versioned
/// state path), and its health score's open-alert count is recounted. Shared by evaluation, manual resolution and rule
/// deletion.
/// </summary>
public sealed class AlertsOnNode(INodeAlertState nodeStatus, AlertLifecycle lifecycle, IOpenAlertCounts openAlerts)
{
    public const string Critical = "critical";

    public async Task FollowAsync(Guid nodeId, IReadOnlyCollection<IIntegrationEvent> published, CancellationToken ct)
    {
        if (published.OfType<AlertRaised>().Any(a => a.Severity == Critical))
        {
            await nodeStatus.CriticalAlertOpenedAsync(nodeId, ct);
        }
        else if (published.OfType<AlertResolved>().Any(a => a.Severity == Critical) && !await lifecycle.HasOpenCriticalAsync(nodeId, ct))
        {
            await nodeStatus.CriticalAlertsClearedAsync(nodeId, ct);
        }

        if (published.Any(e => e is AlertRaised or AlertResolved))
        {
            await RecountAsync([nodeId], ct);
        }
    }

    /// <summary>
    /// A rule and its alerts are gone: the nodes it had open alerts on are recounted, and one whose last open critical
    /// alert went with it leaves Alert.
    /// </summary>
    public async Task RuleDeletedAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken ct)
    {
        await RecountAsync(nodeIds, ct);
        foreach (var nodeId in nodeIds)
        {
            if (!await lifecycle.HasOpenCriticalAsync(nodeId, ct))
            {
                await nodeStatus.CriticalAlertsClearedAsync(nodeId, ct);
            }
        }
    }

    /// <summary>Counts the nodes' open alerts (raised, acknowledged or not, and not resolved) into their health inputs.</summary>
    private async Task RecountAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken ct) =>
        await openAlerts.SetAsync(await lifecycle.OpenCountsAsync(nodeIds, ct), ct);
}
