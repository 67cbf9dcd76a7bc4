using EvaraTech.Application.Queries;
using EvaraTech.Modules.Alerts.Application.GetUptimeReport;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>The uptime report's lines of some nodes over a period, for the report's pages and its CSV alike.</summary>
public sealed class UptimeReport(INodeLookup nodes, DowntimeRecords downtime, ICurrentUser user, TimeProvider clock)
{
    public async Task<IReadOnlyList<UptimeReportLine>> LinesAsync(IReadOnlyList<NodeName> of, TimeRange period, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var outages = await downtime.OverlappingAsync([.. of.Select(n => n.Id)], period.From, period.To, cancellationToken);
        var since = await nodes.ObservedSinceAsync([.. of.Select(n => n.Id)], user.Scope, cancellationToken);
        return [.. of.Select(node => (Node: node, Figures: Domain.Uptime.Over(period.From, period.To, now, since.GetValueOrDefault(node.Id, period.From), outages[node.Id])))
            .Select(n => new UptimeReportLine(n.Node.Id, n.Node.NodeKey, n.Node.Label, n.Figures.ObservedSeconds, n.Figures.DowntimeSeconds,
                n.Figures.UptimePercent, n.Figures.Outages.Count))];
    }
}
