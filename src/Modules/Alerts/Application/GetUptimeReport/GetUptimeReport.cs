using EvaraTech.Application.Queries;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application.GetUptimeReport;

/// <summary>One line of the uptime report: a node in scope and its figures (outages counted, not listed).</summary>
public sealed record UptimeReportLine(Guid NodeId, string NodeKey, string Label, long ObservedSeconds, long DowntimeSeconds, double? UptimePercent,
    int Outages);

/// <summary><c>GET /reports/uptime?from=&amp;to=</c>: every node in the caller's scope, by label, a page at a time.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetUptimeReportQuery(string? From, string? To, PageRequest Paging) : IQuery<Page<UptimeReportLine>>;

public sealed class GetUptimeReportValidator : AbstractValidator<GetUptimeReportQuery>
{
    public GetUptimeReportValidator(TimeProvider clock)
    {
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ReportPeriod.MaxSpan, "An uptime period"));
        this.ValidPaging(q => q.Paging);
    }
}

public sealed class GetUptimeReportHandler(INodeLookup nodes, UptimeReport report, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetUptimeReportQuery, Page<UptimeReportLine>>
{
    public async ValueTask<Page<UptimeReportLine>> Handle(GetUptimeReportQuery query, CancellationToken cancellationToken)
    {
        var inScope = await nodes.ListAsync(user.Scope, null, cancellationToken);
        var period = TimeRangeParameters.Resolve(query.From, query.To, clock.GetUtcNow())!.Value;
        var lines = await report.LinesAsync([.. inScope.Skip(query.Paging.Offset).Take(query.Paging.Limit)], period, cancellationToken);
        return new Page<UptimeReportLine>(lines, inScope.Count, query.Paging.Page, query.Paging.Limit);
    }
}
