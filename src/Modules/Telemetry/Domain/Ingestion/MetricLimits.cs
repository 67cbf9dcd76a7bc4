namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// The physically possible range of each metric, after mapping and calibration: a value outside it is a sensor or
/// wiring fault, not water. Generous on purpose: alerts judge what is unusual, this only refuses the impossible.
/// </summary>
public static class MetricLimits
{
    private static readonly IReadOnlyDictionary<string, (double Min, double Max)> Ranges = new Dictionary<string, (double, double)>(StringComparer.Ordinal)
    {
        ["water_level_cm"] = (-50, 5_000),
        ["water_level_percent"] = (-10, 150),
        ["temperature_c"] = (-40, 90),
        ["tds_ppm"] = (0, 10_000),
        ["ph"] = (0, 14),
        ["battery_voltage"] = (0, 30),
        ["rssi_dbm"] = (-150, 0),
        ["flow_rate_lpm"] = (0, 100_000),
        ["cumulative_volume_liters"] = (0, 1e13),
        ["pressure_bar"] = (-1, 100),
        ["static_water_level_m"] = (0, 3_000),
        ["dynamic_water_level_m"] = (0, 3_000),
        ["pump_current_a"] = (0, 2_000),
        ["voltage_v"] = (0, 1_000),
        ["energy_kwh"] = (0, 1e12),
    };

    /// <returns>null when <paramref name="value"/> is possible, else why not</returns>
    public static string? Check(string metric, double value) =>
        !double.IsFinite(value) ? $"{metric} is not a finite number"
        : Ranges.TryGetValue(metric, out var range) && (value < range.Min || value > range.Max)
            ? $"{metric} {value.ToString(System.Globalization.CultureInfo.InvariantCulture)} is outside {range.Min}..{range.Max}"
            : null;
}
