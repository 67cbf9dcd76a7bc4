using EvaraTech.Demo;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Demo;

/// <summary>
/// The demo nodes of the plain catalogue (<see cref="DemoCatalogue"/>, shared with the ThingSpeak simulator) in the
/// Nodes module's types: category, analytics type, device configuration and field mappings.
/// </summary>
public static class DemoNodes
{
    public static readonly SeededNode[] Nodes = [.. DemoCatalogue.Nodes.Select(n => new SeededNode(n))];

    /// <summary>One ThingSpeak field of a demo channel and the canonical field it feeds.</summary>
    public sealed record DemoMapping(Guid Id, string ThingSpeakField, CanonicalField Canonical)
    {
        /// <summary>The database's spelling of the data type (<c>float</c>, <c>integer</c>, <c>string</c>, <c>boolean</c>).</summary>
        public string DataType => Canonical.DataType.ToString().ToLowerInvariant();

        /// <summary>The catalogue's unit; a unitless field (pump status) stores none.</summary>
        public string? Unit => Canonical.Unit.Length == 0 ? null : Canonical.Unit;
    }

    /// <summary>A catalogue node, read as the Nodes module stores it.</summary>
    public sealed record SeededNode(DemoNode Demo)
    {
        public NodeCategory Category { get; } = Enum.Parse<NodeCategory>(Demo.Category);

        public AnalyticsType AnalyticsType => NodeKinds.AnalyticsTypeOf(Category);

        public DeviceConfig Config { get; } = Demo.Device switch
        {
            TankDevice tank => new TankConfig(tank.MaxDepthCm, tank.SensorOffsetCm, tank.LowLevelPercent, tank.HighLevelPercent),
            FlowDevice flow => new FlowConfig(flow.PipeDiameterMm, flow.PulsesPerLitre, flow.MaxFlowRateLpm),
            DeepDevice deep => new DeepConfig(deep.WellDepthM, deep.PumpRatingKw, deep.PumpDepthM),
            _ => throw new InvalidOperationException($"No configuration for {Demo.Device.GetType().Name}."),
        };

        /// <summary>field1..fieldN onto the canonical fields the catalogue lists for the node's type, in its order.</summary>
        public IReadOnlyList<DemoMapping> Mappings =>
        [
            .. Demo.Fields.Select((mapped, i) => new DemoMapping(
                Demo.MappingId(i + 1),
                $"field{i + 1}",
                CanonicalFields.Find(AnalyticsType, mapped.Name)
                    ?? throw new InvalidOperationException($"{mapped.Name} is not a canonical field of {AnalyticsType}."))),
        ];
    }
}
