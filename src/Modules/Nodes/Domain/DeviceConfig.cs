namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>
/// The settings a client sends for a node's configuration. Only the ones of the node's analytics type may be set;
/// <see cref="DeviceConfig.For"/> turns them into that type's configuration or names the offending field.
/// </summary>
public sealed record DeviceConfigInput(
    double? MaxDepthCm = null,
    double? SensorOffsetCm = null,
    double? LowLevelPercent = null,
    double? HighLevelPercent = null,
    double? PipeDiameterMm = null,
    double? PulsesPerLitre = null,
    double? MaxFlowRateLpm = null,
    double? WellDepthM = null,
    double? PumpRatingKw = null,
    double? PumpDepthM = null);

/// <summary>A node's per-type configuration (one row of nodes.device_config_tank / _flow / _deep, by analytics type).</summary>
public abstract record DeviceConfig
{
    public static DeviceConfig For(AnalyticsType type, DeviceConfigInput? input)
    {
        var given = input ?? new DeviceConfigInput();
        var settings = new (string Field, double? Value, AnalyticsType Type)[]
        {
            ("maxDepthCm", given.MaxDepthCm, AnalyticsType.EvaraTank),
            ("sensorOffsetCm", given.SensorOffsetCm, AnalyticsType.EvaraTank),
            ("lowLevelPercent", given.LowLevelPercent, AnalyticsType.EvaraTank),
            ("highLevelPercent", given.HighLevelPercent, AnalyticsType.EvaraTank),
            ("pipeDiameterMm", given.PipeDiameterMm, AnalyticsType.EvaraFlow),
            ("pulsesPerLitre", given.PulsesPerLitre, AnalyticsType.EvaraFlow),
            ("maxFlowRateLpm", given.MaxFlowRateLpm, AnalyticsType.EvaraFlow),
            ("wellDepthM", given.WellDepthM, AnalyticsType.EvaraDeep),
            ("pumpRatingKw", given.PumpRatingKw, AnalyticsType.EvaraDeep),
            ("pumpDepthM", given.PumpDepthM, AnalyticsType.EvaraDeep),
        };
        foreach (var setting in settings.Where(s => s.Value is not null && s.Type != type))
        {
            throw Invalid(setting.Field, $"{setting.Field} is not a setting of {type} nodes.");
        }

        foreach (var setting in settings.Where(s => s.Value is { } v && !double.IsFinite(v)))
        {
            throw Invalid(setting.Field, $"{setting.Field} must be a finite number.");
        }

        return type switch
        {
            AnalyticsType.EvaraTank => TankConfig.Valid(given),
            AnalyticsType.EvaraFlow => FlowConfig.Valid(given),
            _ => DeepConfig.Valid(given),
        };
    }

    internal static DomainRuleViolation Invalid(string field, string message) => new("INVALID_CONFIG", message, $"config.{field}");

    internal static double Positive(double? value, string field) =>
        value is > 0 ? value.Value : throw Invalid(field, $"{field} is required and must be greater than 0.");
}

public sealed record TankConfig(double MaxDepthCm, double SensorOffsetCm, double LowLevelPercent, double HighLevelPercent) : DeviceConfig
{
    internal static TankConfig Valid(DeviceConfigInput input)
    {
        var depth = Positive(input.MaxDepthCm, "maxDepthCm");
        var offset = input.SensorOffsetCm ?? 0;
        var low = input.LowLevelPercent ?? 20;
        var high = input.HighLevelPercent ?? 90;
        if (offset < 0 || offset >= depth)
        {
            throw Invalid("sensorOffsetCm", "sensorOffsetCm is at least 0 and less than maxDepthCm.");
        }

        if (low is < 0 or > 100)
        {
            throw Invalid("lowLevelPercent", "lowLevelPercent is between 0 and 100.");
        }

        if (high is < 0 or > 100 || high <= low)
        {
            // Blame the level the client actually sent when the other one is the default.
            throw input.HighLevelPercent is null
                ? Invalid("lowLevelPercent", $"lowLevelPercent must be below highLevelPercent ({high} by default).")
                : Invalid("highLevelPercent", "highLevelPercent is between 0 and 100 and above lowLevelPercent.");
        }

        return new TankConfig(depth, offset, low, high);
    }
}

public sealed record FlowConfig(double PipeDiameterMm, double PulsesPerLitre, double? MaxFlowRateLpm) : DeviceConfig
{
    internal static FlowConfig Valid(DeviceConfigInput input) => new(
        Positive(input.PipeDiameterMm, "pipeDiameterMm"),
        Positive(input.PulsesPerLitre, "pulsesPerLitre"),
        input.MaxFlowRateLpm is null ? null : Positive(input.MaxFlowRateLpm, "maxFlowRateLpm"));
}

public sealed record DeepConfig(double WellDepthM, double PumpRatingKw, double? PumpDepthM) : DeviceConfig
{
    internal static DeepConfig Valid(DeviceConfigInput input)
    {
        var wellDepth = Positive(input.WellDepthM, "wellDepthM");
        var pumpDepth = input.PumpDepthM is null ? (double?)null : Positive(input.PumpDepthM, "pumpDepthM");
        if (pumpDepth > wellDepth)
        {
            throw Invalid("pumpDepthM", "pumpDepthM can't be deeper than wellDepthM.");
        }

        return new DeepConfig(wellDepth, Positive(input.PumpRatingKw, "pumpRatingKw"), pumpDepth);
    }
}
