using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class EntryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Node = Guid.Parse("0192f000-0000-7000-8000-000000010001");

    private static IngestionProfile Tank(params CalibrationCurve[] calibrations) => new(Node, TelemetryTable.Tank, new TankGeometry(400, 20),
    [
        new("field1", "water_level_cm", "float", ScaleFactor: 100, Offset: -5),
        new("field2", "temperature_c", "float"),
        new("field3", "tds_ppm", "integer"),
        new("field6", "rssi_dbm", "integer"),
    ], calibrations);

    private static RawEntry Entry(DateTimeOffset at, params (string Field, string? Value)[] fields) =>
        new(at, 42, fields.ToDictionary(f => f.Field, f => f.Value));

    [Test]
    public void Mapped_fields_are_scaled_offset_and_typed()
    {
        var parsed = EntryParser.Parse(Tank(), Entry(Now, ("field1", "1.5"), ("field2", "24.25"), ("field3", "301.6"), ("field6", "-71")), Now);

        var reading = (TankReading)parsed.Reading!;
        Assert.That(parsed.Rejections, Is.Empty);
        Assert.That(reading.WaterLevelCm, Is.EqualTo(145));
        Assert.That(reading.WaterLevelPercent, Is.EqualTo(36.25));
        Assert.That(reading.TemperatureC, Is.EqualTo(24.25));
        Assert.That(reading.TdsPpm, Is.EqualTo(302));
        Assert.That(reading.RssiDbm, Is.EqualTo(-71));
    }

    [Test]
    public void The_calibration_valid_at_the_entrys_time_applies_after_scaling()
    {
        var before = new CalibrationCurve("water_level_cm", "linear", [2, 0], [], Now.AddDays(-10), Now.AddDays(-1));
        var current = new CalibrationCurve("water_level_cm", "linear", [1, 10], [], Now.AddDays(-1), null);

        var old = EntryParser.Parse(Tank(before, current), Entry(Now.AddDays(-2), ("field1", "1")), Now);
        var recent = EntryParser.Parse(Tank(before, current), Entry(Now, ("field1", "1")), Now);

        Assert.That(((TankReading)old.Reading!).WaterLevelCm, Is.EqualTo(190));
        Assert.That(((TankReading)recent.Reading!).WaterLevelCm, Is.EqualTo(105));
    }

    [Test]
    public void Polynomial_and_lookup_table_calibrations()
    {
        var polynomial = CalibrationCurve.From("water_level_cm", "polynomial", """{"coefficients":[1,2,3]}""", Now.AddDays(-1), null);
        var lookup = CalibrationCurve.From("water_level_cm", "lookup_table", """{"points":[[0,0],[10,100],[20,150]]}""", Now.AddDays(-1), null);

        Assert.That(polynomial.Apply(2), Is.EqualTo(1 + 2 * 2 + 3 * 4));
        Assert.That(lookup.Apply(5), Is.EqualTo(50));
        Assert.That(lookup.Apply(15), Is.EqualTo(125));
        Assert.That(lookup.Apply(30), Is.EqualTo(200), "extrapolated from the last segment");
    }

    [TestCase("abc", "is not a number")]
    [TestCase("NaN", "is not a finite number")]
    [TestCase("nan", "is not a finite number")]
    [TestCase("Infinity", "is not a finite number")]
    [TestCase("99", "outside")]
    public void A_bad_primary_field_refuses_the_entry_with_its_reason(string value, string reason)
    {
        var parsed = EntryParser.Parse(Tank(), Entry(Now, ("field1", value)), Now);

        Assert.That(parsed.Reading, Is.Null);
        var rejection = parsed.Rejections.Single();
        Assert.That(rejection.Reason, Does.StartWith("field1: ").And.Contain(reason));
        Assert.That(rejection.SourceField, Is.EqualTo("field1"));
        Assert.That(rejection.EntryId, Is.EqualTo(42));
    }

    [TestCase("nan")]
    [TestCase("abc")]
    [TestCase("-127")]
    [TestCase("200")]
    public void A_bad_secondary_field_costs_only_that_field(string temperature)
    {
        var parsed = EntryParser.Parse(Tank(), Entry(Now, ("field1", "1.5"), ("field2", temperature), ("field3", "300")), Now);

        var reading = (TankReading)parsed.Reading!;
        Assert.That(reading.WaterLevelCm, Is.EqualTo(145), "the level is kept");
        Assert.That(reading.TdsPpm, Is.EqualTo(300), "so is every other good field");
        Assert.That(reading.TemperatureC, Is.Null);
        Assert.That(parsed.Rejections.Single().SourceField, Is.EqualTo("field2"));
        Assert.That(parsed.Rejections.Single().Reason, Does.StartWith("field2: "));
    }

    [TestCase("-127", "DS18B20")]
    public void A_sensor_error_code_is_refused_with_what_it_means(string value, string meaning)
    {
        var profile = new IngestionProfile(Node, TelemetryTable.Flow, null,
            [new("field1", "flow_rate_lpm", "float"), new("field2", "temperature_c", "float", ScaleFactor: 0.1, Offset: 20)], []);

        var parsed = EntryParser.Parse(profile, Entry(Now, ("field1", "10"), ("field2", value)), Now);

        Assert.That(parsed.Reading, Is.Not.Null, "after scaling -127 would be 7.3 °C, a believable lie");
        Assert.That(parsed.Rejections.Single().Reason, Does.Contain(meaning));
    }

    [Test]
    public void A_negative_distance_is_a_sensor_error()
    {
        var profile = new IngestionProfile(Node, TelemetryTable.Tank, new TankGeometry(400, 20),
            [new("field1", "water_level_cm", "float", ScaleFactor: -1, Offset: 400)], []);

        var parsed = EntryParser.Parse(profile, Entry(Now, ("field1", "-1")), Now);

        Assert.That(parsed.Reading, Is.Null);
        Assert.That(parsed.Rejections.Single().Reason, Does.Contain("negative distance"));
    }

    [TestCase(" 12.5\r\n", 12.5)]
    [TestCase("12.50000", 12.5)]
    [TestCase("+12.5", 12.5)]
    [TestCase("1.25e1", 12.5)]
    public void Numbers_come_in_the_spellings_firmware_sends(string value, double expected)
    {
        var profile = new IngestionProfile(Node, TelemetryTable.Flow, null, [new("field1", "flow_rate_lpm", "float")], []);

        var reading = (FlowReading)EntryParser.Parse(profile, Entry(Now, ("field1", value)), Now).Reading!;

        Assert.That(reading.FlowRateLpm, Is.EqualTo(expected));
    }

    [TestCase("512.00000", 512)]
    [TestCase("511.6", 512)]
    public void Integers_accept_a_decimal_spelling(string value, int expected)
    {
        var reading = (TankReading)EntryParser.Parse(Tank(), Entry(Now, ("field1", "1"), ("field3", value)), Now).Reading!;

        Assert.That(reading.TdsPpm, Is.EqualTo(expected));
    }

    [Test]
    public void Entries_from_beyond_the_clock_tolerance_are_refused()
    {
        Assert.That(EntryParser.Parse(Tank(), Entry(Now.AddMinutes(5), ("field1", "1")), Now).Reading, Is.Not.Null);
        Assert.That(EntryParser.Parse(Tank(), Entry(Now.AddMinutes(6), ("field1", "1")), Now).Rejections.Single().Reason, Does.Contain("future"));
    }

    [Test]
    public void A_tank_entry_without_its_level_is_refused_and_empty_fields_are_unknown()
    {
        Assert.That(EntryParser.Parse(Tank(), Entry(Now, ("field2", "20")), Now).Rejections.Single().Reason, Does.Contain("water_level_cm"));

        var reading = (TankReading)EntryParser.Parse(Tank(), Entry(Now, ("field1", "1"), ("field2", ""), ("field3", null)), Now).Reading!;
        Assert.That(reading.TemperatureC, Is.Null);
        Assert.That(reading.TdsPpm, Is.Null);
    }

    [TestCase("1", "running")]
    [TestCase("1.00000", "running")]
    [TestCase("1.0", "running")]
    [TestCase("true", "running")]
    [TestCase("HIGH", "running")]
    [TestCase("on", "running")]
    [TestCase("RUNNING", "running")]
    [TestCase("0", "stopped")]
    [TestCase("0.0", "stopped")]
    [TestCase("LOW", "stopped")]
    [TestCase("false", "stopped")]
    [TestCase("off", "stopped")]
    [TestCase("2", "fault")]
    [TestCase("2.00000", "fault")]
    public void Pump_status_accepts_names_codes_and_firmware_spellings(string value, string status)
    {
        var profile = new IngestionProfile(Node, TelemetryTable.Deep, null, [new("field3", "pump_status", "string"), new("field4", "pump_current_a", "float")], []);

        var reading = (DeepReading)EntryParser.Parse(profile, Entry(Now, ("field3", value + "\r\n"), ("field4", "7.5")), Now).Reading!;

        Assert.That(reading.PumpStatus, Is.EqualTo(status));
        Assert.That(reading.PumpCurrentA, Is.EqualTo(7.5));
    }

    [TestCase("maybe")]
    [TestCase("3")]
    [TestCase("0.5")]
    public void An_unknown_pump_status_is_refused_and_the_pump_current_kept(string value)
    {
        var profile = new IngestionProfile(Node, TelemetryTable.Deep, null, [new("field3", "pump_status", "string"), new("field4", "pump_current_a", "float")], []);

        var parsed = EntryParser.Parse(profile, Entry(Now, ("field3", value), ("field4", "7.5")), Now);

        Assert.That(((DeepReading)parsed.Reading!).PumpCurrentA, Is.EqualTo(7.5));
        Assert.That(parsed.Rejections.Single().SourceField, Is.EqualTo("field3"));
    }

    [TestCase("1.00000", true)]
    [TestCase("true", true)]
    [TestCase("HIGH", true)]
    [TestCase("off", false)]
    [TestCase("0", false)]
    public void Booleans_accept_words_and_decimal_spellings(string value, bool expected) =>
        Assert.That(FieldValues.Boolean(value), Is.EqualTo((expected ? 1.0 : 0.0, (string?)null)));

    [Test]
    public void A_boolean_that_is_neither_0_nor_1_is_refused() =>
        Assert.That(FieldValues.Boolean("2").Reason, Does.Contain("not a boolean"));
}
