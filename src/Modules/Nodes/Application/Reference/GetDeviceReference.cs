using EvaraTech.Application.Security;
using EvaraTech.Modules.Nodes.Domain;
using Mediator;

namespace EvaraTech.Modules.Nodes.Application.Reference;

public sealed record FieldReference(string Name, string DataType, string Unit);

/// <summary>An analytics type, the categories whose devices report as it, and the canonical fields it stores.</summary>
public sealed record DeviceTypeReference(string AnalyticsType, IReadOnlyList<string> Categories, IReadOnlyList<FieldReference> Fields);

public sealed record CategoryReference(string Category, string AnalyticsType);

/// <summary><c>GET /reference/device-types</c>: public reference data, the same for everyone (cacheable for an hour).</summary>
[Anonymous]
public sealed record GetDeviceTypesQuery : IQuery<IReadOnlyList<DeviceTypeReference>>;

/// <summary><c>GET /reference/categories</c>: public reference data.</summary>
[Anonymous]
public sealed record GetCategoriesQuery : IQuery<IReadOnlyList<CategoryReference>>;

public sealed class GetDeviceTypesHandler : IQueryHandler<GetDeviceTypesQuery, IReadOnlyList<DeviceTypeReference>>
{
    public ValueTask<IReadOnlyList<DeviceTypeReference>> Handle(GetDeviceTypesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<DeviceTypeReference>>([.. Enum.GetValues<AnalyticsType>().Select(type => new DeviceTypeReference(
            type.ToString(),
            [.. Enum.GetValues<NodeCategory>().Where(c => NodeKinds.AnalyticsTypeOf(c) == type).Select(c => c.ToString())],
            [.. CanonicalFields.Of(type).Select(f => new FieldReference(f.Name, f.DataType.ToString().ToLowerInvariant(), f.Unit))]))]);
}

public sealed class GetCategoriesHandler : IQueryHandler<GetCategoriesQuery, IReadOnlyList<CategoryReference>>
{
    public ValueTask<IReadOnlyList<CategoryReference>> Handle(GetCategoriesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<CategoryReference>>(
            [.. Enum.GetValues<NodeCategory>().Select(c => new CategoryReference(c.ToString(), NodeKinds.AnalyticsTypeOf(c).ToString()))]);
}
