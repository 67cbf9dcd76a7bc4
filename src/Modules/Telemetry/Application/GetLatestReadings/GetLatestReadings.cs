using EvaraTech.Application.Behaviours;
using EvaraTech.Modules.Telemetry.Application.GetLatestReading;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.GetLatestReadings;

/// <summary>
/// <c>GET /telemetry/latest?node_id=…</c>: the latest readings of up to <see cref="MaxNodes"/> nodes, after one scoped
/// node look-up and in one statement. Ids the caller may not see (or that do not exist) are simply absent; nodes
/// without a reading yet are present with no values. Items follow the order of the ids asked for.
/// </summary>
[RequiresPermission(Permissions.TelemetryRead)]
public sealed record GetLatestReadingsQuery(IReadOnlyList<Guid> NodeIds) : IQuery<IReadOnlyList<LatestReading>>
{
    public const int MaxNodes = 1000;
}

public sealed class GetLatestReadingsValidator : AbstractValidator<GetLatestReadingsQuery>
{
    public GetLatestReadingsValidator()
    {
        RuleFor(q => q.NodeIds).NotEmpty().WithMessage("Give at least one node_id.").Unprocessable().OverridePropertyName("node_id");
        RuleFor(q => q.NodeIds.Distinct().Count()).LessThanOrEqualTo(GetLatestReadingsQuery.MaxNodes)
            .WithMessage($"At most {GetLatestReadingsQuery.MaxNodes} node_id values per request.").Unprocessable().OverridePropertyName("node_id");
    }
}

public sealed class GetLatestReadingsHandler(TelemetryNodes nodes, TelemetryReads reads)
    : IQueryHandler<GetLatestReadingsQuery, IReadOnlyList<LatestReading>>
{
    public async ValueTask<IReadOnlyList<LatestReading>> Handle(GetLatestReadingsQuery query, CancellationToken cancellationToken)
    {
        var requested = query.NodeIds.Distinct().ToList();
        var visible = (await nodes.FindManyAsync(requested, cancellationToken)).ToDictionary(n => n.Node.Id);
        var latest = (await reads.LatestAsync(visible.Keys, cancellationToken)).ToDictionary(r => r.NodeId);
        return [.. requested.Where(visible.ContainsKey).Select(id => LatestReading.Of(visible[id], latest.GetValueOrDefault(id)))];
    }
}
