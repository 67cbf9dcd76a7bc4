using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Application.GetDeviceTypes;

public sealed record FieldReference(string Name, string DataType, string Unit);

/// <summary>An analytics type, the categories whose devices report as it, and the canonical fields it stores.</summary>
public sealed record DeviceTypeReference(string AnalyticsType, IReadOnlyList<string> Categories, IReadOnlyList<FieldReference> Fields);

/// <summary><c>GET /reference/device-types</c>: public reference data, the same for everyone (cacheable for an hour).</summary>
[Anonymous]
public sealed record GetDeviceTypesQuery : IQuery<IReadOnlyList<DeviceTypeReference>>;

public sealed class GetDeviceTypesHandler : IQueryHandler<GetDeviceTypesQuery, IReadOnlyList<DeviceTypeReference>>
{
    public ValueTask<IReadOnlyList<DeviceTypeReference>> Handle(GetDeviceTypesQuery query, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<DeviceTypeReference>>([.. Enum.GetValues<AnalyticsType>().Select(type => new DeviceTypeReference(
            type.ToString(),
            [.. Enum.GetValues<NodeCategory>().Where(c => NodeKinds.AnalyticsTypeOf(c) == type).Select(c => c.ToString())],
            [.. CanonicalFields.Of(type).Select(f => new FieldReference(f.Name, f.DataType.ToString().ToLowerInvariant(), f.Unit))]))]);
}
