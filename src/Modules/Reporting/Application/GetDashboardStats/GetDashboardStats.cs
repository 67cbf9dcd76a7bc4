using EvaraTech.Modules.Reporting.Persistence;

namespace EvaraTech.Modules.Reporting.Application.GetDashboardStats;

public sealed record NodeCounts(long Total, long Online, long Offline, long Alert, long Maintenance, long Provisioning);

public sealed record AlertCounts(long Critical, long Warning, long Info);

/// <summary>Nodes by health score: good ≥ 80, fair 50–80, poor &lt; 50, unknown before a first reading.</summary>
public sealed record HealthDistribution(long Good, long Fair, long Poor, long Unknown);

/// <summary>The dashboard's figures for the caller's scope, as of <see cref="RefreshedAt"/> (null before the first refresh).</summary>
public sealed record DashboardStats(NodeCounts Nodes, AlertCounts ActiveAlerts, HealthDistribution Health, long Readings24h, DateTime? RefreshedAt);

/// <summary>
/// <c>GET /dashboard/stats</c>: one indexed lookup of the caller's row in <c>reporting.dashboard_stats</c> (refreshed every
/// minute and after bursts of changes); a scope without nodes gets zeros.
/// </summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetDashboardStatsQuery : IQuery<DashboardStats>;

public sealed class GetDashboardStatsHandler(DashboardStatsView view, ICurrentUser user) : IQueryHandler<GetDashboardStatsQuery, DashboardStats>
{
    public async ValueTask<DashboardStats> Handle(GetDashboardStatsQuery query, CancellationToken cancellationToken) =>
        await view.OfScopeAsync(user.Scope, cancellationToken) is { } row
            ? new DashboardStats(
                new NodeCounts(row.NodesTotal, row.NodesOnline, row.NodesOffline, row.NodesAlert, row.NodesMaintenance, row.NodesProvisioning),
                new AlertCounts(row.AlertsCritical, row.AlertsWarning, row.AlertsInfo),
                new HealthDistribution(row.HealthGood, row.HealthFair, row.HealthPoor, row.HealthUnknown), row.Readings24h, row.RefreshedAt)
            : new DashboardStats(new NodeCounts(0, 0, 0, 0, 0, 0), new AlertCounts(0, 0, 0), new HealthDistribution(0, 0, 0, 0), 0, null);
}
