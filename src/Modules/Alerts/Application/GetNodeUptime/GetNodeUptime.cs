using EvaraTech.Application.Queries;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application.GetNodeUptime;

/// <summary>A node's SLA figures over a period, with the outages inside it.</summary>
public sealed record NodeUptime(Guid NodeId, UptimeFigures Uptime);

/// <summary><c>GET /nodes/{id}/uptime?from=&amp;to=</c>: one node's uptime; 404 outside the caller's scope.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetNodeUptimeQuery(Guid NodeId, string? From, string? To) : IQuery<NodeUptime>;

public sealed class GetNodeUptimeValidator : AbstractValidator<GetNodeUptimeQuery>
{
    public GetNodeUptimeValidator(TimeProvider clock) =>
        this.ValidTimeRange(q => q.From, q => q.To, clock, (_, _) => (ReportPeriod.MaxSpan, "An uptime period"));
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
        var since = await nodes.ObservedSinceAsync([node.Id], user.Scope, cancellationToken);
        return new NodeUptime(node.Id, Domain.Uptime.Over(period.From, period.To, now, since[node.Id], outages[node.Id]));
    }
}
