using EvaraTech.Application.Queries;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application.AlertStats;

/// <summary>
/// <c>GET /alerts/stats</c>: the alerts triggered in [from, to) (the last day by default) counted by severity and
/// status, how many are still open, and the mean times to acknowledge and to resolve.
/// </summary>
[RequiresPermission(Permissions.AlertsRead)]
public sealed record GetAlertStatsQuery(Guid? NodeId, Guid? CommunityId, string? From, string? To) : IQuery<Persistence.AlertStats>;

public sealed class GetAlertStatsValidator : AbstractValidator<GetAlertStatsQuery>
{
    public GetAlertStatsValidator(TimeProvider clock) =>
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ReportPeriod.MaxSpan, "Alert statistics"));
}

public sealed class GetAlertStatsHandler(AlertHistory history, INodeLookup nodes, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetAlertStatsQuery, Persistence.AlertStats>
{
    public async ValueTask<Persistence.AlertStats> Handle(GetAlertStatsQuery query, CancellationToken cancellationToken)
    {
        var period = TimeRangeParameters.Resolve(query.From, query.To, clock.GetUtcNow())!.Value;
        var filter = await AlertFilters.ResolveAsync(nodes, user.Scope, query.NodeId, query.CommunityId, null, null, cancellationToken)
            with { From = period.From, To = period.To };
        return await history.StatsAsync(filter, cancellationToken);
    }
}
