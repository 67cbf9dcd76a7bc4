using EvaraTech.Application.Errors;
using EvaraTech.Application.Paging;
using EvaraTech.Application.Queries;
using EvaraTech.Application.Security;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;
using FluentValidation;
using Mediator;

namespace EvaraTech.Modules.Alerts.Application.Uptime;

/// <summary>A node's SLA figures over a period, with the outages inside it.</summary>
public sealed record NodeUptime(Guid NodeId, UptimeFigures Uptime);

/// <summary>One line of the uptime report: a node in scope and its figures (outages counted, not listed).</summary>
public sealed record UptimeReportLine(Guid NodeId, string NodeKey, string Label, long ObservedSeconds, long DowntimeSeconds, double? UptimePercent,
    int Outages);

/// <summary><c>GET /nodes/{id}/uptime?from=&amp;to=</c>: one node's uptime; 404 outside the caller's scope.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetNodeUptimeQuery(Guid NodeId, string? From, string? To) : IQuery<NodeUptime>;

/// <summary><c>GET /reports/uptime?from=&amp;to=</c>: every node in the caller's scope, by label, a page at a time.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetUptimeReportQuery(string? From, string? To, PageRequest Paging) : IQuery<Page<UptimeReportLine>>;

public sealed class GetNodeUptimeValidator : AbstractValidator<GetNodeUptimeQuery>
{
    public GetNodeUptimeValidator(TimeProvider clock) =>
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ReportPeriod.MaxSpan, "An uptime period"));
}

public sealed class GetUptimeReportValidator : AbstractValidator<GetUptimeReportQuery>
{
    public GetUptimeReportValidator(TimeProvider clock)
    {
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ReportPeriod.MaxSpan, "An uptime period"));
        this.ValidPaging(q => q.Paging);
    }
}

public sealed class GetNodeUptimeHandler(INodeLookup nodes, DowntimeRecords downtime, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetNodeUptimeQuery, NodeUptime>
{
    public async ValueTask<NodeUptime> Handle(GetNodeUptimeQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, user.Scope, cancellationToken) ?? throw AppException.NotFound("Node");
        var now = clock.GetUtcNow();
        var period = TimeRangeParameters.Resolve(query.From, query.To, now)!.Value;
        var outages = await downtime.OverlappingAsync([node.Id], period.From, period.To, cancellationToken);
        return new NodeUptime(node.Id, Domain.Uptime.Over(period.From, period.To, now, outages[node.Id]));
    }
}

public sealed class GetUptimeReportHandler(INodeLookup nodes, DowntimeRecords downtime, ICurrentUser user, TimeProvider clock)
    : IQueryHandler<GetUptimeReportQuery, Page<UptimeReportLine>>
{
    public async ValueTask<Page<UptimeReportLine>> Handle(GetUptimeReportQuery query, CancellationToken cancellationToken)
    {
        var inScope = await nodes.ListAsync(user.Scope, null, cancellationToken);
        var page = inScope.Skip(query.Paging.Offset).Take(query.Paging.Limit).ToList();
        var now = clock.GetUtcNow();
        var period = TimeRangeParameters.Resolve(query.From, query.To, now)!.Value;
        var outages = await downtime.OverlappingAsync([.. page.Select(n => n.Id)], period.From, period.To, cancellationToken);
        var lines = page.Select(node => (Node: node, Figures: Domain.Uptime.Over(period.From, period.To, now, outages[node.Id])))
            .Select(n => new UptimeReportLine(n.Node.Id, n.Node.NodeKey, n.Node.Label, n.Figures.ObservedSeconds, n.Figures.DowntimeSeconds,
                n.Figures.UptimePercent, n.Figures.Outages.Count))
            .ToList();
        return new Page<UptimeReportLine>(lines, inScope.Count, query.Paging.Page, query.Paging.Limit);
    }
}
