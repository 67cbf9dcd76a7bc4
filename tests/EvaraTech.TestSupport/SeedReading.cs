namespace EvaraTech.TestSupport;

/// <summary>
/// One reading of <see cref="TelemetrySeed.NextReadings"/> in plain values, at the precision the seed stores them;
/// EvaraTech.TestSupport.Platform turns it into the Telemetry module's reading.
/// </summary>
public abstract record SeedReading(Guid NodeId, DateTime Timestamp);

/// <summary>A tank reading with the tank's depth and low level, from which ingestion derives percent and low level.</summary>
public sealed record TankSeedReading(
    Guid NodeId, DateTime Timestamp, float WaterLevelCm, float? TemperatureC, int TdsPpm, float Ph, float BatteryVoltage,
    short? RssiDbm, double MaxDepthCm, double LowLevelPercent) : SeedReading(NodeId, Timestamp);

public sealed record FlowSeedReading(
    Guid NodeId, DateTime Timestamp, float FlowRateLpm, double? CumulativeVolumeLiters, float PressureBar, float? TemperatureC)
    : SeedReading(NodeId, Timestamp);

public sealed record DeepSeedReading(
    Guid NodeId, DateTime Timestamp, float? StaticWaterLevelM, float? DynamicWaterLevelM, string? PumpStatus, float PumpCurrentA,
    float VoltageV, double? EnergyKwh) : SeedReading(NodeId, Timestamp);
