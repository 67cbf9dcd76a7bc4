using System.Text.Json;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class CalibrationTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string Linear = """{ "slope": 1.02, "intercept": -3.5 }""";

    private static DateTimeOffset Day(int day) => T0.AddDays(day);

    private static DateTimeOffset? Day(int? day) => day is { } d ? Day(d) : null;

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static Calibration Define(
        string? field = "water_level_cm",
        string? kind = CalibrationKinds.Linear,
        string parameters = Linear,
        DateTimeOffset? validFrom = null,
        DateTimeOffset? validUntil = null,
        AnalyticsType type = AnalyticsType.EvaraTank,
        CalibrationPeriod[]? existing = null) =>
        Calibration.Define(type, field, kind, Json(parameters), validFrom ?? T0, validUntil, existing ?? []);

    private static Calibration DefineWith(string kind, string parameters) => Define(kind: kind, parameters: parameters);

    private static CalibrationPeriod Period(string field, int from, int? until) => new(Guid.NewGuid(), field, Day(from), Day(until));

    // ---- A valid calibration --------------------------------------------------------------------------------------------

    [Test]
    public void Define_returns_a_calibration_with_a_new_uuid_v7_and_its_period()
    {
        var calibration = Define(validFrom: Day(0), validUntil: Day(30));

        Assert.Multiple(() =>
        {
            Assert.That(calibration.Id.Version, Is.EqualTo(7));
            Assert.That(calibration.FieldName, Is.EqualTo("water_level_cm"));
            Assert.That(calibration.Kind, Is.EqualTo("linear"));
            Assert.That(calibration.ValidFrom, Is.EqualTo(Day(0)));
            Assert.That(calibration.ValidUntil, Is.EqualTo(Day(30)));
        });
    }

    [Test]
    public void Define_accepts_an_open_ended_period() =>
        Assert.That(Define(validUntil: null).ValidUntil, Is.Null);

    // ---- Field -------------------------------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "water_level_cm")]
    [TestCase(AnalyticsType.EvaraTank, "tds_ppm")]
    [TestCase(AnalyticsType.EvaraTank, "rssi_dbm")]
    [TestCase(AnalyticsType.EvaraFlow, "flow_rate_lpm")]
    [TestCase(AnalyticsType.EvaraFlow, "temperature_c")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_current_a")]
    [TestCase(AnalyticsType.EvaraDeep, "static_water_level_m")]
    public void Define_accepts_a_numeric_canonical_field_of_the_type(AnalyticsType type, string field) =>
        Assert.That(Define(field: field, type: type).FieldName, Is.EqualTo(field));

    [TestCase(AnalyticsType.EvaraDeep, "pump_status")]
    [TestCase(AnalyticsType.EvaraDeep, "water_level_cm")]
    [TestCase(AnalyticsType.EvaraTank, "flow_rate_lpm")]
    [TestCase(AnalyticsType.EvaraFlow, "ph")]
    [TestCase(AnalyticsType.EvaraTank, "Water_Level_CM")]
    [TestCase(AnalyticsType.EvaraTank, "unknown")]
    [TestCase(AnalyticsType.EvaraTank, "")]
    [TestCase(AnalyticsType.EvaraTank, null)]
    public void Define_refuses_a_field_that_is_not_a_numeric_canonical_field_of_the_type(AnalyticsType type, string? field) =>
        Violation.Expect(() => Define(field: field, type: type), "INVALID_CALIBRATION", "field");

    // ---- Kind -----------------------------------------------------------------------------------------------------------

    [TestCase("Linear")]
    [TestCase("LINEAR")]
    [TestCase("lookup-table")]
    [TestCase("quadratic")]
    [TestCase("")]
    [TestCase(null)]
    public void Define_refuses_a_type_other_than_linear_polynomial_or_lookup_table(string? kind) =>
        Violation.Expect(() => Define(kind: kind), "INVALID_CALIBRATION", "type");

    // ---- Period -----------------------------------------------------------------------------------------------------

    [Test]
    public void Define_refuses_a_missing_valid_from() =>
        Violation.Expect(() => Calibration.Define(AnalyticsType.EvaraTank, "water_level_cm", "linear", Json(Linear), null, null, []),
            "INVALID_CALIBRATION", "validFrom");

    [TestCase(0)]
    [TestCase(-1)]
    public void Define_refuses_a_valid_until_not_after_valid_from(int untilDay) =>
        Violation.Expect(() => Define(validFrom: Day(0), validUntil: Day(untilDay)), "INVALID_CALIBRATION", "validUntil");

    [Test]
    public void Define_accepts_a_valid_until_one_tick_after_valid_from() =>
        Assert.That(Define(validFrom: T0, validUntil: T0.AddTicks(1)).ValidUntil, Is.EqualTo(T0.AddTicks(1)));

    // ---- Overlap with the field's existing periods -----------------------------------------------------------------------

    [TestCase(0, null, 10, null, Description = "Open-ended existing vs a later open-ended start")]
    [TestCase(0, null, 10, 20, Description = "Open-ended existing vs a later closed window")]
    [TestCase(0, null, -10, 5, Description = "Open-ended existing vs a window running into it")]
    [TestCase(0, null, -10, null, Description = "Open-ended existing vs an earlier open-ended start")]
    [TestCase(0, 10, 5, 20, Description = "Closed existing vs a window overlapping its end")]
    [TestCase(0, 10, -5, 1, Description = "Closed existing vs a window overlapping its start")]
    [TestCase(0, 10, 2, 3, Description = "Closed existing vs a window inside it")]
    [TestCase(0, 10, -5, 20, Description = "Closed existing vs a window around it")]
    [TestCase(0, 10, 0, 10, Description = "Closed existing vs the same window")]
    [TestCase(0, 10, 9, null, Description = "Closed existing vs an open-ended start before its end")]
    public void Define_refuses_a_period_overlapping_an_existing_one_of_the_field(int existingFrom, int? existingUntil, int from, int? until) =>
        Violation.Expect(() => Define(validFrom: Day(from), validUntil: Day(until), existing: [Period("water_level_cm", existingFrom, existingUntil)]),
            "CALIBRATION_OVERLAP", "validFrom");

    [TestCase(0, 10, 10, 20, Description = "Adjacent: the new period starts where the existing one ends")]
    [TestCase(0, 10, 10, null, Description = "Adjacent: an open-ended period starts where the existing one ends")]
    [TestCase(0, 10, -5, 0, Description = "Adjacent: the new period ends where the existing one starts")]
    [TestCase(0, null, -5, 0, Description = "Adjacent: the new period ends where an open-ended one starts")]
    [TestCase(0, 10, 20, 30, Description = "Closed existing vs a later window")]
    [TestCase(0, 10, -20, -10, Description = "Closed existing vs an earlier window")]
    public void Define_accepts_a_period_not_overlapping_an_existing_one(int existingFrom, int? existingUntil, int from, int? until) =>
        Assert.That(Define(validFrom: Day(from), validUntil: Day(until), existing: [Period("water_level_cm", existingFrom, existingUntil)]).ValidFrom,
            Is.EqualTo(Day(from)));

    [Test]
    public void Define_accepts_the_same_window_on_a_different_field() =>
        Assert.That(
            Define(field: "tds_ppm", validFrom: Day(0), validUntil: Day(10),
                existing: [Period("water_level_cm", 0, 10), Period("temperature_c", -5, null)]).FieldName,
            Is.EqualTo("tds_ppm"));

    [Test]
    public void Define_refuses_an_overlap_with_any_of_several_periods() =>
        Violation.Expect(
            () => Define(validFrom: Day(25), validUntil: Day(26),
                existing: [Period("water_level_cm", 0, 10), Period("water_level_cm", 10, 20), Period("water_level_cm", 20, null)]),
            "CALIBRATION_OVERLAP", "validFrom");

    [Test]
    public void Define_accepts_a_period_in_a_gap_between_periods() =>
        Assert.That(
            Define(validFrom: Day(10), validUntil: Day(20),
                existing: [Period("water_level_cm", 0, 10), Period("water_level_cm", 20, null)]).ValidUntil,
            Is.EqualTo(Day(20)));

    // ---- Parameters: shape ------------------------------------------------------------------------------------------

    [TestCase(CalibrationKinds.Linear, "[]")]
    [TestCase(CalibrationKinds.Linear, "[1.02, 0]")]
    [TestCase(CalibrationKinds.Polynomial, "1")]
    [TestCase(CalibrationKinds.LookupTable, "\"points\"")]
    [TestCase(CalibrationKinds.Linear, "null")]
    public void Define_refuses_parameters_that_are_not_an_object(string kind, string parameters) =>
        Violation.Expect(() => DefineWith(kind, parameters), "INVALID_CALIBRATION", "parameters");

    [Test]
    public void Define_refuses_missing_parameters() =>
        Violation.Expect(() => Calibration.Define(AnalyticsType.EvaraTank, "water_level_cm", "linear", null, T0, null, []),
            "INVALID_CALIBRATION", "parameters");

    // ---- Parameters: linear -------------------------------------------------------------------------------------------

    [Test]
    public void Define_keeps_a_linear_calibrations_slope_and_intercept_only()
    {
        var parameters = DefineWith(CalibrationKinds.Linear, """{ "slope": 1.02, "intercept": 0, "note": "ignored" }""").Parameters;

        Assert.Multiple(() =>
        {
            Assert.That(parameters["slope"]!.GetValue<double>(), Is.EqualTo(1.02));
            Assert.That(parameters["intercept"]!.GetValue<double>(), Is.EqualTo(0.0));
            Assert.That(parameters.Select(p => p.Key), Is.EquivalentTo(new[] { "slope", "intercept" }));
        });
    }

    [TestCase("""{ "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "slope": 0, "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "slope": -0.0, "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "slope": 1e400, "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "slope": "1.5", "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "slope": null, "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "Slope": 1, "intercept": 0 }""", "parameters.slope")]
    [TestCase("""{ "slope": 1 }""", "parameters.intercept")]
    [TestCase("""{ "slope": 1, "intercept": -1e400 }""", "parameters.intercept")]
    [TestCase("""{ "slope": 1, "intercept": "0" }""", "parameters.intercept")]
    [TestCase("""{ "slope": 1, "intercept": [0] }""", "parameters.intercept")]
    public void Define_refuses_a_linear_calibration_without_a_nonzero_slope_and_an_intercept(string parameters, string field) =>
        Violation.Expect(() => DefineWith(CalibrationKinds.Linear, parameters), "INVALID_CALIBRATION", field);

    [Test]
    public void Define_accepts_a_negative_slope() =>
        Assert.That(DefineWith(CalibrationKinds.Linear, """{ "slope": -2, "intercept": 100 }""").Parameters["slope"]!.GetValue<double>(),
            Is.EqualTo(-2.0));

    // ---- Parameters: polynomial ---------------------------------------------------------------------------------------

    [TestCase("""{ "coefficients": [1.5] }""", 1)]
    [TestCase("""{ "coefficients": [0, 1, 0.5, -0.25, 1e-3, 2] }""", 6)]
    public void Define_accepts_a_polynomial_of_1_to_6_coefficients(string parameters, int count)
    {
        var coefficients = DefineWith(CalibrationKinds.Polynomial, parameters).Parameters["coefficients"]!.AsArray();

        Assert.That(coefficients, Has.Count.EqualTo(count));
    }

    [Test]
    public void Define_keeps_the_polynomials_coefficients_in_order() =>
        Assert.That(
            DefineWith(CalibrationKinds.Polynomial, """{ "coefficients": [3, -2, 0.5] }""").Parameters["coefficients"]!.AsArray()
                .Select(c => c!.GetValue<double>()),
            Is.EqualTo(new[] { 3.0, -2.0, 0.5 }));

    [TestCase("""{}""")]
    [TestCase("""{ "coefficients": [] }""")]
    [TestCase("""{ "coefficients": [1, 2, 3, 4, 5, 6, 7] }""")]
    [TestCase("""{ "coefficients": [1, 1e400] }""")]
    [TestCase("""{ "coefficients": [1, "2"] }""")]
    [TestCase("""{ "coefficients": [1, null] }""")]
    [TestCase("""{ "coefficients": [[1]] }""")]
    [TestCase("""{ "coefficients": 1 }""")]
    [TestCase("""{ "coefficients": { "c0": 1 } }""")]
    public void Define_refuses_a_polynomial_without_1_to_6_numeric_coefficients(string parameters) =>
        Violation.Expect(() => DefineWith(CalibrationKinds.Polynomial, parameters), "INVALID_CALIBRATION", "parameters.coefficients");

    // ---- Parameters: lookup table -------------------------------------------------------------------------------------

    [Test]
    public void Define_keeps_a_lookup_tables_points()
    {
        var points = DefineWith(CalibrationKinds.LookupTable, """{ "points": [[0, 0], [50.5, 120], [100, 250]] }""")
            .Parameters["points"]!.AsArray();

        Assert.That(points.Select(p => new[] { p![0]!.GetValue<double>(), p[1]!.GetValue<double>() }),
            Is.EqualTo(new double[][] { [0, 0], [50.5, 120], [100, 250] }));
    }

    [Test]
    public void Define_accepts_a_lookup_table_of_256_points_but_not_257()
    {
        static string Table(int count) =>
            $$"""{ "points": [{{string.Join(", ", Enumerable.Range(0, count).Select(i => $"[{i}, {i * 2}]"))}}] }""";

        Assert.That(DefineWith(CalibrationKinds.LookupTable, Table(256)).Parameters["points"]!.AsArray(), Has.Count.EqualTo(256));
        Violation.Expect(() => DefineWith(CalibrationKinds.LookupTable, Table(257)), "INVALID_CALIBRATION", "parameters.points");
    }

    [TestCase("""{}""", Description = "Lookup table without points")]
    [TestCase("""{ "points": [] }""", Description = "Lookup table of no points")]
    [TestCase("""{ "points": [[0, 0]] }""", Description = "Lookup table of one point")]
    [TestCase("""{ "points": [[0, 0], [0, 5]] }""", Description = "Lookup table with equal raw values")]
    [TestCase("""{ "points": [[10, 0], [5, 5]] }""", Description = "Lookup table with decreasing raw values")]
    [TestCase("""{ "points": [[0, 0], [10, 5], [10, 6]] }""", Description = "Lookup table repeating the last raw value")]
    [TestCase("""{ "points": [[0], [1, 2]] }""", Description = "Lookup table with a single-value point")]
    [TestCase("""{ "points": [[0, 0, 0], [1, 2, 3]] }""", Description = "Lookup table with triples")]
    [TestCase("""{ "points": [0, 1] }""", Description = "Lookup table of plain numbers")]
    [TestCase("""{ "points": [["0", 0], [1, 2]] }""", Description = "Lookup table with a string raw value")]
    [TestCase("""{ "points": [[0, null], [1, 2]] }""", Description = "Lookup table with a null value")]
    [TestCase("""{ "points": [[0, 0], [1e400, 2]] }""", Description = "Lookup table with a raw value beyond double range")]
    [TestCase("""{ "points": [[0, 0], [1, -1e400]] }""", Description = "Lookup table with a value beyond double range")]
    [TestCase("""{ "points": { "0": 0, "1": 2 } }""", Description = "Lookup table given as an object")]
    public void Define_refuses_a_lookup_table_that_is_not_2_or_more_pairs_with_raw_strictly_increasing(string parameters) =>
        Violation.Expect(() => DefineWith(CalibrationKinds.LookupTable, parameters), "INVALID_CALIBRATION", "parameters.points");

    // ---- Close ----------------------------------------------------------------------------------------------------------

    [Test]
    public void Close_returns_the_end_of_an_open_calibration() =>
        Assert.That(Calibration.Close(Period("water_level_cm", 0, null), Day(5)), Is.EqualTo(Day(5)));

    [Test]
    public void Close_accepts_an_end_one_tick_after_the_start() =>
        Assert.That(Calibration.Close(new CalibrationPeriod(Guid.NewGuid(), "ph", T0, null), T0.AddTicks(1)), Is.EqualTo(T0.AddTicks(1)));

    [Test]
    public void Close_refuses_an_already_closed_calibration() =>
        Violation.Expect(() => Calibration.Close(Period("water_level_cm", 0, 10), Day(5)), "CALIBRATION_CLOSED", "validUntil");

    [Test]
    public void Close_refuses_a_missing_end() =>
        Violation.Expect(() => Calibration.Close(Period("water_level_cm", 0, null), null), "INVALID_CALIBRATION", "validUntil");

    [TestCase(0)]
    [TestCase(-1)]
    public void Close_refuses_an_end_not_after_the_start(int untilDay) =>
        Violation.Expect(() => Calibration.Close(Period("water_level_cm", 0, null), Day(untilDay)), "INVALID_CALIBRATION", "validUntil");
}
