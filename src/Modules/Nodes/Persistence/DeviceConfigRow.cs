using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// A node's configuration as stored: the one per-type table of its analytics type, joined to the node <c>n</c>. The
/// aggregate's load and the details read both go through it.
/// </summary>
internal class DeviceConfigRow
{
    public const string Columns = """
        t.max_depth_cm AS MaxDepthCm, t.sensor_offset_cm AS SensorOffsetCm,
        t.low_level_percent AS LowLevelPercent, t.high_level_percent AS HighLevelPercent,
        f.pipe_diameter_mm AS PipeDiameterMm, f.pulses_per_litre AS PulsesPerLitre, f.max_flow_rate_lpm AS MaxFlowRateLpm,
        d.well_depth_m AS WellDepthM, d.pump_rating_kw AS PumpRatingKw, d.pump_depth_m AS PumpDepthM
        """;

    public const string Joins = """
        LEFT JOIN nodes.device_config_tank t ON t.node_id = n.id
        LEFT JOIN nodes.device_config_flow f ON f.node_id = n.id
        LEFT JOIN nodes.device_config_deep d ON d.node_id = n.id
        """;

    public double? MaxDepthCm { get; init; }
    public double? SensorOffsetCm { get; init; }
    public double? LowLevelPercent { get; init; }
    public double? HighLevelPercent { get; init; }
    public double? PipeDiameterMm { get; init; }
    public double? PulsesPerLitre { get; init; }
    public double? MaxFlowRateLpm { get; init; }
    public double? WellDepthM { get; init; }
    public double? PumpRatingKw { get; init; }
    public double? PumpDepthM { get; init; }

    public DeviceConfig ToConfig(AnalyticsType type) => DeviceConfig.For(type, type switch
    {
        AnalyticsType.EvaraTank => new DeviceConfigInput(MaxDepthCm: MaxDepthCm, SensorOffsetCm: SensorOffsetCm,
            LowLevelPercent: LowLevelPercent, HighLevelPercent: HighLevelPercent),
        AnalyticsType.EvaraFlow => new DeviceConfigInput(PipeDiameterMm: PipeDiameterMm, PulsesPerLitre: PulsesPerLitre, MaxFlowRateLpm: MaxFlowRateLpm),
        _ => new DeviceConfigInput(WellDepthM: WellDepthM, PumpRatingKw: PumpRatingKw, PumpDepthM: PumpDepthM),
    });
}
