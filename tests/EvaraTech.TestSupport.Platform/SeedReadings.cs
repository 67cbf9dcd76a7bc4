using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.TestSupport.Platform;

public static class SeedReadings
{
    /// <summary>The readings as ingestion hands them to storage (a tank's percent and low level measured against its geometry).</summary>
    public static IReadOnlyList<IReading> ToReadings(this IReadOnlyList<SeedReading> readings) => [.. readings.Select(ToReading)];

    private static IReading ToReading(SeedReading reading) => reading switch
    {
        TankSeedReading tank => new TankReading(tank.NodeId, tank.Timestamp, tank.WaterLevelCm, tank.TemperatureC, tank.TdsPpm, tank.Ph,
                tank.BatteryVoltage, tank.RssiDbm)
            .Measured(new TankGeometry(tank.MaxDepthCm, tank.LowLevelPercent)),
        FlowSeedReading flow => new FlowReading(flow.NodeId, flow.Timestamp, flow.FlowRateLpm, flow.CumulativeVolumeLiters, flow.PressureBar,
            flow.TemperatureC),
        DeepSeedReading deep => new DeepReading(deep.NodeId, deep.Timestamp, deep.StaticWaterLevelM, deep.DynamicWaterLevelM, deep.PumpStatus,
            deep.PumpCurrentA, deep.VoltageV, deep.EnergyKwh),
        _ => throw new ArgumentOutOfRangeException(nameof(reading), reading.GetType().Name, "Not a telemetry seed reading."),
    };
}
