using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class DeviceConfigTests
{
    private static readonly DeviceConfigInput ValidTank = new(MaxDepthCm: 300);
    private static readonly DeviceConfigInput ValidFlow = new(PipeDiameterMm: 50, PulsesPerLitre: 450);
    private static readonly DeviceConfigInput ValidDeep = new(WellDepthM: 120, PumpRatingKw: 5);

    private static DeviceConfigInput ValidFor(AnalyticsType type) => type switch
    {
        AnalyticsType.EvaraTank => ValidTank,
        AnalyticsType.EvaraFlow => ValidFlow,
        _ => ValidDeep,
    };

    /// <summary><paramref name="input"/> with the setting the API calls <paramref name="field"/> set to <paramref name="value"/>.</summary>
    private static DeviceConfigInput With(DeviceConfigInput input, string field, double? value) => field switch
    {
        "maxDepthCm" => input with { MaxDepthCm = value },
        "sensorOffsetCm" => input with { SensorOffsetCm = value },
        "lowLevelPercent" => input with { LowLevelPercent = value },
        "highLevelPercent" => input with { HighLevelPercent = value },
        "pipeDiameterMm" => input with { PipeDiameterMm = value },
        "pulsesPerLitre" => input with { PulsesPerLitre = value },
        "maxFlowRateLpm" => input with { MaxFlowRateLpm = value },
        "wellDepthM" => input with { WellDepthM = value },
        "pumpRatingKw" => input with { PumpRatingKw = value },
        "pumpDepthM" => input with { PumpDepthM = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a config setting"),
    };

    // ---- Each type's settings and defaults --------------------------------------------------------------------------

    [Test]
    public void For_a_tank_defaults_offset_0_low_20_and_high_90() =>
        Assert.That(DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank), Is.EqualTo(new TankConfig(300, 0, 20, 90)));

    [Test]
    public void For_a_tank_keeps_the_given_settings() =>
        Assert.That(
            DeviceConfig.For(AnalyticsType.EvaraTank,
                new DeviceConfigInput(MaxDepthCm: 250, SensorOffsetCm: 12.5, LowLevelPercent: 0, HighLevelPercent: 100)),
            Is.EqualTo(new TankConfig(250, 12.5, 0, 100)));

    [Test]
    public void For_a_flow_meter_needs_pipe_diameter_and_pulses_with_max_flow_optional()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DeviceConfig.For(AnalyticsType.EvaraFlow, ValidFlow), Is.EqualTo(new FlowConfig(50, 450, null)));
            Assert.That(DeviceConfig.For(AnalyticsType.EvaraFlow, ValidFlow with { MaxFlowRateLpm = 200 }),
                Is.EqualTo(new FlowConfig(50, 450, 200)));
        });
    }

    [Test]
    public void For_a_borewell_needs_well_depth_and_pump_rating_with_pump_depth_optional()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DeviceConfig.For(AnalyticsType.EvaraDeep, ValidDeep), Is.EqualTo(new DeepConfig(120, 5, null)));
            Assert.That(DeviceConfig.For(AnalyticsType.EvaraDeep, ValidDeep with { PumpDepthM = 80 }),
                Is.EqualTo(new DeepConfig(120, 5, 80)));
        });
    }

    // ---- Required settings ------------------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "config.maxDepthCm")]
    [TestCase(AnalyticsType.EvaraFlow, "config.pipeDiameterMm")]
    [TestCase(AnalyticsType.EvaraDeep, "config.wellDepthM")]
    public void For_refuses_a_missing_config_naming_the_first_required_setting(AnalyticsType type, string field)
    {
        Violation.Expect(() => DeviceConfig.For(type, null), "INVALID_CONFIG", field);
        Violation.Expect(() => DeviceConfig.For(type, new DeviceConfigInput()), "INVALID_CONFIG", field);
    }

    [TestCase(AnalyticsType.EvaraTank, "maxDepthCm")]
    [TestCase(AnalyticsType.EvaraFlow, "pipeDiameterMm")]
    [TestCase(AnalyticsType.EvaraFlow, "pulsesPerLitre")]
    [TestCase(AnalyticsType.EvaraDeep, "wellDepthM")]
    [TestCase(AnalyticsType.EvaraDeep, "pumpRatingKw")]
    public void For_refuses_a_missing_required_setting(AnalyticsType type, string field) =>
        Violation.Expect(() => DeviceConfig.For(type, With(ValidFor(type), field, null)), "INVALID_CONFIG", $"config.{field}");

    [TestCase(AnalyticsType.EvaraTank, "maxDepthCm", 0.0)]
    [TestCase(AnalyticsType.EvaraTank, "maxDepthCm", -1.0)]
    [TestCase(AnalyticsType.EvaraFlow, "pipeDiameterMm", 0.0)]
    [TestCase(AnalyticsType.EvaraFlow, "pulsesPerLitre", -5.0)]
    [TestCase(AnalyticsType.EvaraFlow, "maxFlowRateLpm", 0.0)]
    [TestCase(AnalyticsType.EvaraFlow, "maxFlowRateLpm", -10.0)]
    [TestCase(AnalyticsType.EvaraDeep, "wellDepthM", 0.0)]
    [TestCase(AnalyticsType.EvaraDeep, "pumpRatingKw", -0.5)]
    [TestCase(AnalyticsType.EvaraDeep, "pumpDepthM", 0.0)]
    [TestCase(AnalyticsType.EvaraDeep, "pumpDepthM", -3.0)]
    public void For_refuses_a_setting_that_must_be_positive_when_it_is_not(AnalyticsType type, string field, double value) =>
        Violation.Expect(() => DeviceConfig.For(type, With(ValidFor(type), field, value)), "INVALID_CONFIG", $"config.{field}");

    // ---- Settings of another type ----------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "pipeDiameterMm")]
    [TestCase(AnalyticsType.EvaraTank, "pulsesPerLitre")]
    [TestCase(AnalyticsType.EvaraTank, "maxFlowRateLpm")]
    [TestCase(AnalyticsType.EvaraTank, "wellDepthM")]
    [TestCase(AnalyticsType.EvaraTank, "pumpRatingKw")]
    [TestCase(AnalyticsType.EvaraTank, "pumpDepthM")]
    [TestCase(AnalyticsType.EvaraFlow, "maxDepthCm")]
    [TestCase(AnalyticsType.EvaraFlow, "sensorOffsetCm")]
    [TestCase(AnalyticsType.EvaraFlow, "lowLevelPercent")]
    [TestCase(AnalyticsType.EvaraFlow, "highLevelPercent")]
    [TestCase(AnalyticsType.EvaraFlow, "wellDepthM")]
    [TestCase(AnalyticsType.EvaraFlow, "pumpRatingKw")]
    [TestCase(AnalyticsType.EvaraFlow, "pumpDepthM")]
    [TestCase(AnalyticsType.EvaraDeep, "maxDepthCm")]
    [TestCase(AnalyticsType.EvaraDeep, "sensorOffsetCm")]
    [TestCase(AnalyticsType.EvaraDeep, "lowLevelPercent")]
    [TestCase(AnalyticsType.EvaraDeep, "highLevelPercent")]
    [TestCase(AnalyticsType.EvaraDeep, "pipeDiameterMm")]
    [TestCase(AnalyticsType.EvaraDeep, "pulsesPerLitre")]
    [TestCase(AnalyticsType.EvaraDeep, "maxFlowRateLpm")]
    public void For_refuses_a_setting_of_another_type_naming_it(AnalyticsType type, string field) =>
        Violation.Expect(() => DeviceConfig.For(type, With(ValidFor(type), field, 10)), "INVALID_CONFIG", $"config.{field}");

    // ---- Finite numbers ----------------------------------------------------------------------------------------------

    [TestCase(AnalyticsType.EvaraTank, "maxDepthCm", double.PositiveInfinity)]
    [TestCase(AnalyticsType.EvaraTank, "maxDepthCm", double.NaN)]
    [TestCase(AnalyticsType.EvaraTank, "sensorOffsetCm", double.NaN)]
    [TestCase(AnalyticsType.EvaraTank, "lowLevelPercent", double.NaN)]
    [TestCase(AnalyticsType.EvaraTank, "highLevelPercent", double.NaN)]
    [TestCase(AnalyticsType.EvaraTank, "highLevelPercent", double.NegativeInfinity)]
    [TestCase(AnalyticsType.EvaraFlow, "pipeDiameterMm", double.PositiveInfinity)]
    [TestCase(AnalyticsType.EvaraFlow, "pulsesPerLitre", double.PositiveInfinity)]
    [TestCase(AnalyticsType.EvaraFlow, "maxFlowRateLpm", double.PositiveInfinity)]
    [TestCase(AnalyticsType.EvaraDeep, "wellDepthM", double.PositiveInfinity)]
    [TestCase(AnalyticsType.EvaraDeep, "pumpRatingKw", double.PositiveInfinity)]
    [TestCase(AnalyticsType.EvaraDeep, "pumpDepthM", double.NaN)]
    public void For_refuses_a_setting_that_is_not_a_finite_number(AnalyticsType type, string field, double value) =>
        Violation.Expect(() => DeviceConfig.For(type, With(ValidFor(type), field, value)), "INVALID_CONFIG", $"config.{field}");

    // ---- Tank: sensor offset and levels ------------------------------------------------------------------------------

    [TestCase(0.0)]
    [TestCase(299.5)]
    public void For_a_tank_accepts_an_offset_from_0_up_to_below_the_depth(double offset) =>
        Assert.That(((TankConfig)DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank with { SensorOffsetCm = offset })).SensorOffsetCm,
            Is.EqualTo(offset));

    [TestCase(-0.1)]
    [TestCase(300.0)]
    [TestCase(301.0)]
    public void For_a_tank_refuses_an_offset_below_0_or_at_least_the_depth(double offset) =>
        Violation.Expect(() => DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank with { SensorOffsetCm = offset }), "INVALID_CONFIG",
            "config.sensorOffsetCm");

    [TestCase(-1.0)]
    [TestCase(100.5)]
    public void For_a_tank_refuses_a_low_level_outside_0_to_100(double low) =>
        Violation.Expect(() => DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank with { LowLevelPercent = low, HighLevelPercent = 100 }),
            "INVALID_CONFIG", "config.lowLevelPercent");

    [TestCase(20.0, -1.0)]
    [TestCase(20.0, 101.0)]
    [TestCase(50.0, 50.0)]
    [TestCase(60.0, 40.0)]
    public void For_a_tank_refuses_a_high_level_outside_0_to_100_or_not_above_the_low_level(double low, double? high) =>
        Violation.Expect(() => DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank with { LowLevelPercent = low, HighLevelPercent = high }),
            "INVALID_CONFIG", "config.highLevelPercent");

    [Test]
    public void For_a_tank_names_the_low_level_when_it_is_above_the_default_high_level() =>
        Violation.Expect(() => DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank with { LowLevelPercent = 95, HighLevelPercent = null }),
            "INVALID_CONFIG", "config.lowLevelPercent");

    [TestCase(0.0, 0.1)]
    [TestCase(49.9, 50.0)]
    [TestCase(99.0, 100.0)]
    public void For_a_tank_accepts_a_high_level_just_above_the_low_level(double low, double high)
    {
        var config = (TankConfig)DeviceConfig.For(AnalyticsType.EvaraTank, ValidTank with { LowLevelPercent = low, HighLevelPercent = high });

        Assert.Multiple(() =>
        {
            Assert.That(config.LowLevelPercent, Is.EqualTo(low));
            Assert.That(config.HighLevelPercent, Is.EqualTo(high));
        });
    }

    // ---- Deep: pump depth ---------------------------------------------------------------------------------------------

    [Test]
    public void For_a_borewell_refuses_a_pump_deeper_than_the_well() =>
        Violation.Expect(() => DeviceConfig.For(AnalyticsType.EvaraDeep, ValidDeep with { PumpDepthM = 120.5 }), "INVALID_CONFIG",
            "config.pumpDepthM");

    [Test]
    public void For_a_borewell_accepts_a_pump_at_the_bottom_of_the_well() =>
        Assert.That(DeviceConfig.For(AnalyticsType.EvaraDeep, ValidDeep with { PumpDepthM = 120 }), Is.EqualTo(new DeepConfig(120, 5, 120)));
}
