using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class CanonicalFieldsTests
{
    [TestCase(AnalyticsType.EvaraTank, new[] { "water_level_cm", "temperature_c", "tds_ppm", "ph", "battery_voltage", "rssi_dbm" })]
    [TestCase(AnalyticsType.EvaraFlow, new[] { "flow_rate_lpm", "cumulative_volume_liters", "pressure_bar", "temperature_c" })]
    [TestCase(AnalyticsType.EvaraDeep,
        new[] { "static_water_level_m", "dynamic_water_level_m", "pump_status", "pump_current_a", "voltage_v", "energy_kwh" })]
    public void Of_lists_exactly_the_columns_of_the_types_telemetry_table(AnalyticsType type, string[] columns) =>
        Assert.That(CanonicalFields.Of(type).Select(f => f.Name), Is.EquivalentTo(columns));

    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", FieldDataType.Float, "cm")]
    [TestCase(AnalyticsType.EvaraTank, "temperature_c", FieldDataType.Float, "°C")]
    [TestCase(AnalyticsType.EvaraTank, "tds_ppm", FieldDataType.Integer, "ppm")]
    [TestCase(AnalyticsType.EvaraTank, "ph", FieldDataType.Float, "pH")]
    [TestCase(AnalyticsType.EvaraTank, "battery_voltage", FieldDataType.Float, "V")]
    [TestCase(AnalyticsType.EvaraTank, "rssi_dbm", FieldDataType.Integer, "dBm")]
    [TestCase(AnalyticsType.EvaraFlow, "flow_rate_lpm", FieldDataType.Float, "L/min")]
    [TestCase(AnalyticsType.EvaraFlow, "cumulative_volume_liters", FieldDataType.Float, "L")]
    [TestCase(AnalyticsType.EvaraFlow, "pressure_bar", FieldDataType.Float, "bar")]
    [TestCase(AnalyticsType.EvaraFlow, "temperature_c", FieldDataType.Float, "°C")]
    [TestCase(AnalyticsType.EvaraDeep, "static_water_level_m", FieldDataType.Float, "m")]
    [TestCase(AnalyticsType.EvaraDeep, "dynamic_water_level_m", FieldDataType.Float, "m")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_status", FieldDataType.String, "")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_current_a", FieldDataType.Float, "A")]
    [TestCase(AnalyticsType.EvaraDeep, "voltage_v", FieldDataType.Float, "V")]
    [TestCase(AnalyticsType.EvaraDeep, "energy_kwh", FieldDataType.Float, "kWh")]
    public void Find_returns_the_fields_data_type_and_unit(AnalyticsType type, string name, FieldDataType dataType, string unit) =>
        Assert.That(CanonicalFields.Find(type, name), Is.EqualTo(new CanonicalField(name, dataType, unit)));

    [TestCase(AnalyticsType.EvaraTank, "flow_rate_lpm")]
    [TestCase(AnalyticsType.EvaraFlow, "water_level_cm")]
    [TestCase(AnalyticsType.EvaraDeep, "temperature_c")]
    [TestCase(AnalyticsType.EvaraTank, "WATER_LEVEL_CM")]
    [TestCase(AnalyticsType.EvaraTank, "")]
    [TestCase(AnalyticsType.EvaraTank, null)]
    public void Find_returns_null_for_a_name_that_is_not_a_field_of_the_type(AnalyticsType type, string? name) =>
        Assert.That(CanonicalFields.Find(type, name), Is.Null);

    [TestCase(FieldDataType.Float, true)]
    [TestCase(FieldDataType.Integer, true)]
    [TestCase(FieldDataType.String, false)]
    [TestCase(FieldDataType.Boolean, false)]
    public void Only_float_and_integer_fields_are_numeric(FieldDataType dataType, bool numeric) =>
        Assert.That(new CanonicalField("x", dataType, "").IsNumeric, Is.EqualTo(numeric));
}
