using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class ThingSpeakChannelTests
{
    private const string ReadKey = "ABCDEFGH12345678";

    /// <summary>A valid first mapping, so a refusal of the second proves the index in the field path.</summary>
    private static readonly FieldMappingInput First = new("field1", "water_level_cm");

    private static ThingSpeakChannel Configure(AnalyticsType type, params FieldMappingInput[] mappings) =>
        ThingSpeakChannel.Configure(type, 123456, ReadKey, mappings);

    private static FieldMapping Single(AnalyticsType type, FieldMappingInput mapping) => Configure(type, mapping).Mappings.Single();

    // ---- Channel id and keys ------------------------------------------------------------------------------------------

    [Test]
    public void Configure_keeps_the_channel_and_its_read_key()
    {
        var channel = ThingSpeakChannel.Configure(AnalyticsType.EvaraTank, 123456, ReadKey, [First]);

        Assert.Multiple(() =>
        {
            Assert.That(channel.ChannelId, Is.EqualTo(123456));
            Assert.That(channel.ReadKey, Is.EqualTo(ReadKey));
            Assert.That(channel.Mappings, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void Configure_accepts_no_keys_and_no_mappings()
    {
        var channel = ThingSpeakChannel.Configure(AnalyticsType.EvaraFlow, 1, null, null);

        Assert.Multiple(() =>
        {
            Assert.That(channel.ReadKey, Is.Null);
            Assert.That(channel.Mappings, Is.Empty);
        });
    }

    [TestCase(null)]
    [TestCase(0L)]
    [TestCase(-1L)]
    [TestCase(long.MinValue)]
    public void Configure_refuses_a_channel_id_that_is_not_positive(long? channelId) =>
        Violation.Expect(() => ThingSpeakChannel.Configure(AnalyticsType.EvaraTank, channelId, null, []), "INVALID_CHANNEL", "channelId");

    [TestCase("abcdefgh")]
    [TestCase("ABCD1234")]
    [TestCase("0123456789012345678901234567890123456789012345678901234567890123")]
    public void Configure_accepts_read_keys_of_8_to_64_letters_and_digits(string key) =>
        Assert.That(ThingSpeakChannel.Configure(AnalyticsType.EvaraTank, 1, key, []).ReadKey, Is.EqualTo(key));

    [TestCase("")]
    [TestCase("ABCD123")]
    [TestCase("01234567890123456789012345678901234567890123456789012345678901234")]
    [TestCase("ABCD-1234")]
    [TestCase("ABCD 1234")]
    [TestCase("ABCD_1234")]
    [TestCase("ÄBCD1234")]
    public void Configure_refuses_a_read_key_outside_the_pattern(string key) =>
        Violation.Expect(() => ThingSpeakChannel.Configure(AnalyticsType.EvaraTank, 1, key, []), "INVALID_CHANNEL", "readKey");

    // ---- Mapping count and ThingSpeak field names ----------------------------------------------------------------------

    [Test]
    public void Configure_refuses_more_than_8_mappings()
    {
        var nine = Enumerable.Range(1, 9).Select(i => new FieldMappingInput($"field{i}", "water_level_cm")).ToArray();

        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, nine), "INVALID_MAPPING", "mappings");
    }

    [Test]
    public void Configure_accepts_every_canonical_field_of_the_type_each_on_its_own_field()
    {
        var mappings = CanonicalFields.Of(AnalyticsType.EvaraDeep).Select((f, i) => new FieldMappingInput($"field{i + 3}", f.Name)).ToArray();

        var channel = Configure(AnalyticsType.EvaraDeep, mappings);

        Assert.That(channel.Mappings.Select(m => m.Field), Is.EqualTo(new[] { "field3", "field4", "field5", "field6", "field7", "field8" }));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("field")]
    [TestCase("field0")]
    [TestCase("field9")]
    [TestCase("field10")]
    [TestCase("Field1")]
    [TestCase("FIELD2")]
    [TestCase(" field2")]
    [TestCase("field 2")]
    public void Configure_refuses_a_field_other_than_field1_to_field8(string? field) =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, First, new FieldMappingInput(field, "temperature_c")), "INVALID_MAPPING",
            "mappings[1].field");

    [Test]
    public void Configure_refuses_the_same_thingspeak_field_twice() =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, First, new FieldMappingInput("field1", "temperature_c")), "INVALID_MAPPING",
            "mappings[1].field");

    // ---- Canonical targets --------------------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "flow_rate_lpm")]
    [TestCase(AnalyticsType.EvaraTank, "pump_status")]
    [TestCase(AnalyticsType.EvaraFlow, "water_level_cm")]
    [TestCase(AnalyticsType.EvaraFlow, "pump_status")]
    [TestCase(AnalyticsType.EvaraDeep, "temperature_c")]
    [TestCase(AnalyticsType.EvaraDeep, "water_level_cm")]
    [TestCase(AnalyticsType.EvaraTank, "Water_Level_CM")]
    [TestCase(AnalyticsType.EvaraTank, "unknown")]
    [TestCase(AnalyticsType.EvaraTank, "")]
    [TestCase(AnalyticsType.EvaraTank, null)]
    public void Configure_refuses_a_target_that_is_not_a_canonical_field_of_the_type(AnalyticsType type, string? canonicalField) =>
        Violation.Expect(() => Configure(type, new FieldMappingInput("field2", canonicalField)), "INVALID_MAPPING", "mappings[0].canonicalField");

    [TestCase(AnalyticsType.EvaraTank)]
    [TestCase(AnalyticsType.EvaraFlow)]
    public void Configure_accepts_a_canonical_field_shared_by_two_types(AnalyticsType type) =>
        Assert.That(Single(type, new FieldMappingInput("field1", "temperature_c")).Target,
            Is.EqualTo(new CanonicalField("temperature_c", FieldDataType.Float, "°C")));

    [Test]
    public void Configure_refuses_the_same_canonical_field_as_target_of_two_fields() =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, First, new FieldMappingInput("field2", "water_level_cm")), "INVALID_MAPPING",
            "mappings[1].canonicalField");

    // ---- Declared data type -------------------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "integer")]
    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "string")]
    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "number")]
    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "")]
    [TestCase(AnalyticsType.EvaraTank, "tds_ppm", "float")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_status", "boolean")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_status", "float")]
    public void Configure_refuses_a_declared_data_type_other_than_the_targets(AnalyticsType type, string canonicalField, string dataType) =>
        Violation.Expect(() => Configure(type, new FieldMappingInput("field1", canonicalField, dataType)), "INVALID_MAPPING",
            "mappings[0].dataType");

    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "float")]
    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "FLOAT")]
    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "Float")]
    [TestCase(AnalyticsType.EvaraTank, "rssi_dbm", "Integer")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_status", "string")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_status", null)]
    public void Configure_accepts_the_targets_data_type_in_any_case_or_none(AnalyticsType type, string canonicalField, string? dataType) =>
        Assert.That(Single(type, new FieldMappingInput("field1", canonicalField, dataType)).Target.Name, Is.EqualTo(canonicalField));

    // ---- Scale and offset ---------------------------------------------------------------------------------------------

    [Test]
    public void Configure_defaults_to_scale_1_and_offset_0()
    {
        var mapping = Single(AnalyticsType.EvaraTank, First);

        Assert.Multiple(() =>
        {
            Assert.That(mapping.ScaleFactor, Is.EqualTo(1.0));
            Assert.That(mapping.Offset, Is.EqualTo(0.0));
        });
    }

    [Test]
    public void Configure_keeps_a_given_scale_and_offset()
    {
        var mapping = Single(AnalyticsType.EvaraTank, new FieldMappingInput("field4", "temperature_c", ScaleFactor: -0.1, Offset: -40));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.ScaleFactor, Is.EqualTo(-0.1));
            Assert.That(mapping.Offset, Is.EqualTo(-40.0));
        });
    }

    [TestCase(0.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Configure_refuses_a_scale_factor_of_0_or_not_finite(double scale) =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, First, new FieldMappingInput("field2", "ph", ScaleFactor: scale)),
            "INVALID_MAPPING", "mappings[1].scaleFactor");

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    public void Configure_refuses_an_offset_that_is_not_finite(double offset) =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, First, new FieldMappingInput("field2", "ph", Offset: offset)),
            "INVALID_MAPPING", "mappings[1].offset");

    [TestCase(2.0, null, "scaleFactor")]
    [TestCase(-1.0, null, "scaleFactor")]
    [TestCase(null, 1.0, "offset")]
    [TestCase(1.0, 0.5, "offset")]
    public void Configure_refuses_a_transform_of_a_non_numeric_target(double? scale, double? offset, string field) =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraDeep, new FieldMappingInput("field1", "pump_status", ScaleFactor: scale, Offset: offset)),
            "INVALID_MAPPING", $"mappings[0].{field}");

    [Test]
    public void Configure_refuses_a_field_name_with_a_trailing_newline() =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, new FieldMappingInput("field1\n", "ph")),
            "INVALID_MAPPING", "mappings[0].field");

    [Test]
    public void Configure_accepts_the_identity_transform_on_a_non_numeric_target()
    {
        var mapping = Single(AnalyticsType.EvaraDeep, new FieldMappingInput("field1", "pump_status", "String", ScaleFactor: 1, Offset: 0));

        Assert.Multiple(() =>
        {
            Assert.That(mapping.Target.IsNumeric, Is.False);
            Assert.That(mapping.ScaleFactor, Is.EqualTo(1.0));
            Assert.That(mapping.Offset, Is.EqualTo(0.0));
        });
    }

    // ---- Unit -----------------------------------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "water_level_cm", "cm")]
    [TestCase(AnalyticsType.EvaraTank, "temperature_c", "°C")]
    [TestCase(AnalyticsType.EvaraFlow, "flow_rate_lpm", "L/min")]
    [TestCase(AnalyticsType.EvaraDeep, "energy_kwh", "kWh")]
    [TestCase(AnalyticsType.EvaraDeep, "pump_status", "")]
    public void Configure_takes_the_unit_from_the_catalogue_when_none_is_given(AnalyticsType type, string canonicalField, string unit) =>
        Assert.That(Single(type, new FieldMappingInput("field1", canonicalField)).Unit, Is.EqualTo(unit));

    [Test]
    public void Configure_keeps_a_given_unit_of_up_to_50_characters()
    {
        var unit = new string('u', 50);

        Assert.Multiple(() =>
        {
            Assert.That(Single(AnalyticsType.EvaraTank, new FieldMappingInput("field1", "water_level_cm", Unit: "mm")).Unit, Is.EqualTo("mm"));
            Assert.That(Single(AnalyticsType.EvaraTank, new FieldMappingInput("field1", "water_level_cm", Unit: unit)).Unit, Is.EqualTo(unit));
        });
    }

    [Test]
    public void Configure_refuses_a_unit_of_51_characters() =>
        Violation.Expect(() => Configure(AnalyticsType.EvaraTank, First, new FieldMappingInput("field2", "ph", Unit: new string('u', 51))),
            "INVALID_MAPPING", "mappings[1].unit");

    // ---- Mask -----------------------------------------------------------------------------------------------------------

    [TestCase(ReadKey, "****5678")]
    [TestCase("abcdefgh", "****efgh")]
    [TestCase("abc", "****abc")]
    [TestCase("", "****")]
    public void Mask_shows_at_most_the_last_four_characters(string key, string masked) =>
        Assert.That(ThingSpeakChannel.Mask(key), Is.EqualTo(masked));

    [Test]
    public void Mask_leaves_a_missing_key_missing() =>
        Assert.That(ThingSpeakChannel.Mask(null), Is.Null);
}
