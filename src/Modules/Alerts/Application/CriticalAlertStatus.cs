using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>
/// A node's status follows its critical alerts: one raised puts it in Alert, the resolution of its last open one
/// takes it out (through the Nodes module's versioned state path). Shared by evaluation and manual resolution.
/// </summary>
public sealed class CriticalAlertStatus(INodeAlertState nodeStatus, AlertLifecycle lifecycle)
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
    }
}
