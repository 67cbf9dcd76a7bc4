using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.NearbyNodes;

/// <summary>Nodes within <c>radius_m</c> of a point, nearest first; the radius is capped so one query can't read a country.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record NearbyNodesQuery(double? Lat, double? Lng, double? RadiusM, int Limit) : IQuery<IReadOnlyList<NearbyNode>>;

public sealed class NearbyNodesValidator : AbstractValidator<NearbyNodesQuery>
{
    public const double MaximumRadiusM = 50_000;

    public NearbyNodesValidator()
    {
        RuleFor(q => q.Lat).NotNull().InclusiveBetween(-90, 90).OverridePropertyName("lat");
        RuleFor(q => q.Lng).NotNull().InclusiveBetween(-180, 180).OverridePropertyName("lng");
        RuleFor(q => q.RadiusM).NotNull().GreaterThan(0).LessThanOrEqualTo(MaximumRadiusM).OverridePropertyName("radius_m");
        RuleFor(q => q.Limit).InclusiveBetween(1, 100).OverridePropertyName("limit");
    }
}

public sealed class NearbyNodesHandler(NodesNearby nearby, ICurrentUser user) : IQueryHandler<NearbyNodesQuery, IReadOnlyList<NearbyNode>>
{
    public async ValueTask<IReadOnlyList<NearbyNode>> Handle(NearbyNodesQuery query, CancellationToken cancellationToken) =>
        await nearby.FindAsync(query.Lat!.Value, query.Lng!.Value, query.RadiusM!.Value, query.Limit, user.Scope, cancellationToken);
}
