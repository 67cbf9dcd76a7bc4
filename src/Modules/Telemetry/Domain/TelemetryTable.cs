namespace EvaraTech.Modules.Telemetry.Domain;

/// <summary>
/// A measured metric of one telemetry type and the rollup columns that summarise it (empty: not rolled up).
/// Names are the canonical field names of the Nodes module's mappings and the raw table's columns.
/// </summary>
public sealed record TelemetryMetric(string Name, string Unit, IReadOnlyList<string> RollupColumns);

/// <summary>
/// One typed telemetry table and its rollups (db/migrations/0007_telemetry.sql): every identifier a statement
/// uses comes from here, never from the request.
/// </summary>
/// <param name="RequiredMetric">the measurement no reading of this type may lack (the raw table's NOT NULL column), if any.</param>
public sealed record TelemetryTable(
    string Key, string AnalyticsType, string PrimaryMetric, string? RequiredMetric, IReadOnlyList<TelemetryMetric> Metrics)
{
    public static readonly TelemetryTable Tank = new("tank", "EvaraTank", "water_level_percent", "water_level_cm",
    [
        new("water_level_cm", "cm", ["avg_level_cm", "min_level_cm", "max_level_cm"]),
        new("water_level_percent", "%", ["avg_level_percent", "min_level_percent", "max_level_percent", "low_level_count"]),
        new("temperature_c", "°C", ["avg_temperature_c"]),
        new("tds_ppm", "ppm", ["avg_tds_ppm"]),
        new("ph", "pH", ["avg_ph"]),
        new("battery_voltage", "V", ["min_battery_voltage"]),
        new("rssi_dbm", "dBm", []),
    ]);

    public static readonly TelemetryTable Flow = new("flow", "EvaraFlow", "flow_rate_lpm", "flow_rate_lpm",
    [
        new("flow_rate_lpm", "L/min", ["avg_flow_rate_lpm", "max_flow_rate_lpm"]),
        new("cumulative_volume_liters", "L", ["volume_liters"]),
        new("pressure_bar", "bar", ["avg_pressure_bar"]),
        new("temperature_c", "°C", []),
    ]);

    public static readonly TelemetryTable Deep = new("deep", "EvaraDeep", "static_water_level_m", null,
    [
        new("static_water_level_m", "m", ["avg_static_level_m"]),
        new("dynamic_water_level_m", "m", ["avg_dynamic_level_m"]),
        new("pump_status", "", ["pump_running_minutes"]),
        new("pump_current_a", "A", ["avg_pump_current_a"]),
        new("voltage_v", "V", ["avg_voltage_v"]),
        new("energy_kwh", "kWh", ["energy_kwh"]),
    ]);

    public static readonly IReadOnlyList<TelemetryTable> All = [Tank, Flow, Deep];

    public string RawTable => $"telemetry.telemetry_{Key}";

    public string RollupTable(SeriesResolution resolution) => resolution switch
    {
        SeriesResolution.Hour => $"telemetry.telemetry_{Key}_hourly",
        SeriesResolution.Day => $"telemetry.telemetry_{Key}_daily",
        _ => throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Raw readings have no rollup table."),
    };

    public TelemetryMetric? Metric(string name) => Metrics.FirstOrDefault(m => m.Name == name);


    public static TelemetryTable? ForAnalyticsType(string analyticsType) => All.FirstOrDefault(t => t.AnalyticsType == analyticsType);

    public static TelemetryTable ForKey(string key) => All.First(t => t.Key == key);
}
