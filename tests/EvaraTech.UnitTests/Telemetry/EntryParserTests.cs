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
        Assert.That(parsed.Rejection, Is.Null);
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
    [TestCase("Infinity", "is not a finite number")]
    [TestCase("99", "outside")]
    public void A_bad_field_refuses_the_entry_with_its_reason(string value, string reason)
    {
        var parsed = EntryParser.Parse(Tank(), Entry(Now, ("field1", value)), Now);

        Assert.That(parsed.Reading, Is.Null);
        Assert.That(parsed.Rejection!.Reason, Does.StartWith("field1: ").And.Contain(reason));
        Assert.That(parsed.Rejection.SourceField, Is.EqualTo("field1"));
        Assert.That(parsed.Rejection.EntryId, Is.EqualTo(42));
    }

    [Test]
    public void Entries_from_beyond_the_clock_tolerance_are_refused()
    {
        Assert.That(EntryParser.Parse(Tank(), Entry(Now.AddMinutes(5), ("field1", "1")), Now).Reading, Is.Not.Null);
        Assert.That(EntryParser.Parse(Tank(), Entry(Now.AddMinutes(6), ("field1", "1")), Now).Rejection!.Reason, Does.Contain("future"));
    }

    [Test]
    public void A_tank_entry_without_its_level_is_refused_and_empty_fields_are_unknown()
    {
        Assert.That(EntryParser.Parse(Tank(), Entry(Now, ("field2", "20")), Now).Rejection!.Reason, Does.Contain("water_level_cm"));

        var reading = (TankReading)EntryParser.Parse(Tank(), Entry(Now, ("field1", "1"), ("field2", ""), ("field3", null)), Now).Reading!;
        Assert.That(reading.TemperatureC, Is.Null);
        Assert.That(reading.TdsPpm, Is.Null);
    }

    [TestCase("1", "running")]
    [TestCase("RUNNING", "running")]
    [TestCase("0", "stopped")]
    [TestCase("2", "fault")]
    public void Pump_status_accepts_names_and_codes(string value, string status)
    {
        var profile = new IngestionProfile(Node, TelemetryTable.Deep, null, [new("field3", "pump_status", "string")], []);

        Assert.That(((DeepReading)EntryParser.Parse(profile, Entry(Now, ("field3", value)), Now).Reading!).PumpStatus, Is.EqualTo(status));
        Assert.That(EntryParser.Parse(profile, Entry(Now, ("field3", "maybe")), Now).Rejection, Is.Not.Null);
    }
}
