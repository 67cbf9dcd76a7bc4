namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>A typed telemetry column a ThingSpeak field can be mapped to (a column of telemetry.telemetry_tank / _flow / _deep).</summary>
public sealed record CanonicalField(string Name, FieldDataType DataType, string Unit)
{
    public bool IsNumeric => DataType is FieldDataType.Float or FieldDataType.Integer;
}

public enum FieldDataType
{
    Float,
    Integer,
    String,
    Boolean,
}

/// <summary>The canonical fields of each analytics type: the only valid targets of mappings and calibrations.</summary>
public static class CanonicalFields
{
    private static readonly IReadOnlyDictionary<AnalyticsType, IReadOnlyDictionary<string, CanonicalField>> ByType =
        new Dictionary<AnalyticsType, IReadOnlyDictionary<string, CanonicalField>>
        {
            [AnalyticsType.EvaraTank] = Catalogue(
                new("water_level_cm", FieldDataType.Float, "cm"),
                new("temperature_c", FieldDataType.Float, "°C"),
                new("tds_ppm", FieldDataType.Integer, "ppm"),
                new("ph", FieldDataType.Float, "pH"),
                new("battery_voltage", FieldDataType.Float, "V"),
                new("rssi_dbm", FieldDataType.Integer, "dBm")),
            [AnalyticsType.EvaraFlow] = Catalogue(
                new("flow_rate_lpm", FieldDataType.Float, "L/min"),
                new("cumulative_volume_liters", FieldDataType.Float, "L"),
                new("pressure_bar", FieldDataType.Float, "bar"),
                new("temperature_c", FieldDataType.Float, "°C")),
            [AnalyticsType.EvaraDeep] = Catalogue(
                new("static_water_level_m", FieldDataType.Float, "m"),
                new("dynamic_water_level_m", FieldDataType.Float, "m"),
                new("pump_status", FieldDataType.String, ""),
                new("pump_current_a", FieldDataType.Float, "A"),
                new("voltage_v", FieldDataType.Float, "V"),
                new("energy_kwh", FieldDataType.Float, "kWh")),
        };

    public static IReadOnlyCollection<CanonicalField> Of(AnalyticsType type) => [.. ByType[type].Values];

    public static CanonicalField? Find(AnalyticsType type, string? name) =>
        name is not null && ByType[type].TryGetValue(name, out var field) ? field : null;

    private static IReadOnlyDictionary<string, CanonicalField> Catalogue(params CanonicalField[] fields) =>
        fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
}
