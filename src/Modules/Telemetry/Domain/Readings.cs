namespace EvaraTech.Modules.Telemetry.Domain;

/// <summary>One reading of any telemetry type, as ingestion hands it to storage.</summary>
public interface IReading
{
    Guid NodeId { get; }

    DateTimeOffset Timestamp { get; }

    /// <summary>The source's extra facts as a JSON object, if any.</summary>
    string? Metadata { get; }
}

/// <summary>
/// A tank reading. <see cref="WaterLevelPercent"/> and <see cref="BelowLowLevel"/> come from the tank's configuration
/// at ingestion (<see cref="TankGeometry"/>); without one they stay unknown.
/// </summary>
public sealed record TankReading(
    Guid NodeId,
    DateTimeOffset Timestamp,
    double WaterLevelCm,
    double? TemperatureC = null,
    int? TdsPpm = null,
    double? Ph = null,
    double? BatteryVoltage = null,
    int? RssiDbm = null,
    string? Metadata = null) : IReading
{
    public double? WaterLevelPercent { get; init; }

    public bool? BelowLowLevel { get; init; }

    public TankReading Measured(TankGeometry? geometry) => geometry is null
        ? this
        : this with { WaterLevelPercent = geometry.PercentOf(WaterLevelCm), BelowLowLevel = geometry.IsLow(WaterLevelCm) };
}

public sealed record FlowReading(
    Guid NodeId,
    DateTimeOffset Timestamp,
    double FlowRateLpm,
    double? CumulativeVolumeLiters = null,
    double? PressureBar = null,
    double? TemperatureC = null,
    string? Metadata = null) : IReading;

public sealed record DeepReading(
    Guid NodeId,
    DateTimeOffset Timestamp,
    double? StaticWaterLevelM = null,
    double? DynamicWaterLevelM = null,
    string? PumpStatus = null,
    double? PumpCurrentA = null,
    double? VoltageV = null,
    double? EnergyKwh = null,
    string? Metadata = null) : IReading;

/// <summary>A tank's depth and low-level threshold (the Nodes module's tank configuration).</summary>
public sealed record TankGeometry(double MaxDepthCm, double LowLevelPercent)
{
    public double PercentOf(double levelCm) => levelCm / MaxDepthCm * 100.0;

    public bool IsLow(double levelCm) => PercentOf(levelCm) < LowLevelPercent;
}
