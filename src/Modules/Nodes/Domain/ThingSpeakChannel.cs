using System.Text.RegularExpressions;

namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>A field mapping as the client sends it: <c>field3 → tds_ppm</c>, with an optional linear transform.</summary>
public sealed record FieldMappingInput(string? Field, string? CanonicalField, string? DataType = null, string? Unit = null,
    double? ScaleFactor = null, double? Offset = null);

/// <summary>One validated mapping: stored value = raw × <see cref="ScaleFactor"/> + <see cref="Offset"/>.</summary>
public sealed record FieldMapping(string Field, CanonicalField Target, string Unit, double ScaleFactor, double Offset);

/// <summary>How a channel's readings reach the platform: only polled channels are read from ThingSpeak.</summary>
public static class ChannelSources
{
    /// <summary>Read from ThingSpeak by the poller.</summary>
    public const string Polled = "polled";

    /// <summary>Written here by the device (<c>/update</c>, bulk updates); never polled.</summary>
    public const string Pushed = "pushed";

    public const string Both = "both";

    public static readonly IReadOnlyList<string> All = [Polled, Pushed, Both];
}

/// <summary>
/// The ThingSpeak channel a node reports through, with its read key (for polling), field mappings, how often its device reports (a
/// node silent for several of those intervals is Offline) and its source (<see cref="ChannelSources"/>; null keeps
/// the stored one).
/// </summary>
public sealed partial record ThingSpeakChannel(long ChannelId, string? ReadKey, IReadOnlyList<FieldMapping> Mappings,
    int ReportingIntervalSeconds = ThingSpeakChannel.DefaultReportingIntervalSeconds, string? Source = null)
{
    public const int DefaultReportingIntervalSeconds = 60;

    /// <summary>ThingSpeak accepts an update every 15 s at most; a device silent by design for more than a day is not monitored.</summary>
    public const int MinimumReportingIntervalSeconds = 15;

    public const int MaximumReportingIntervalSeconds = 86_400;

    /// <summary>
    /// Validates a channel for a node of <paramref name="type"/>: field1..field8 only, each mapped once, each
    /// target a canonical field of that type and mapped once, the declared data type (if any) the target's.
    /// </summary>
    public static ThingSpeakChannel Configure(AnalyticsType type, long? channelId, string? readKey,
        IReadOnlyList<FieldMappingInput>? mappings, int? reportingIntervalSeconds = null, string? source = null)
    {
        if (channelId is not > 0)
        {
            throw new DomainRuleViolation("INVALID_CHANNEL", "channelId is a positive ThingSpeak channel number.", "channelId");
        }

        ValidKey(readKey, "readKey");
        var result = MapAll(type, mappings ?? []);
        var interval = reportingIntervalSeconds ?? DefaultReportingIntervalSeconds;
        if (interval is < MinimumReportingIntervalSeconds or > MaximumReportingIntervalSeconds)
        {
            throw new DomainRuleViolation("INVALID_CHANNEL",
                $"reportingIntervalSeconds is between {MinimumReportingIntervalSeconds} and {MaximumReportingIntervalSeconds}.", "reportingIntervalSeconds");
        }

        if (source is not null && !ChannelSources.All.Contains(source))
        {
            throw new DomainRuleViolation("INVALID_CHANNEL", $"source is one of {string.Join(", ", ChannelSources.All)}.", "source");
        }

        return new ThingSpeakChannel(channelId.Value, readKey, result, interval, source);
    }

    /// <summary>
    /// Validates a channel's mappings for a node of <paramref name="type"/> (what saving a channel checks of them): at
    /// most eight, field1..field8 each mapped once, each target a canonical field of that type and mapped once, the
    /// declared data type (if any) the target's, a finite scale other than 0 and a finite offset for numbers only.
    /// </summary>
    public static IReadOnlyList<FieldMapping> MapAll(AnalyticsType type, IReadOnlyList<FieldMappingInput> mappings)
    {
        if (mappings.Count > 8)
        {
            throw new DomainRuleViolation("INVALID_MAPPING", "A channel has at most 8 fields.", "mappings");
        }

        var result = new List<FieldMapping>(mappings.Count);
        for (var i = 0; i < mappings.Count; i++)
        {
            var mapping = Map(type, mappings[i], $"mappings[{i}]");
            if (result.Any(m => m.Field == mapping.Field))
            {
                throw new DomainRuleViolation("INVALID_MAPPING", $"{mapping.Field} is mapped twice.", $"mappings[{i}].field");
            }

            if (result.Any(m => m.Target == mapping.Target))
            {
                throw new DomainRuleViolation("INVALID_MAPPING", $"{mapping.Target.Name} is the target of two fields.", $"mappings[{i}].canonicalField");
            }

            result.Add(mapping);
        }

        return result;
    }

    /// <summary>A key as the API shows it: never more than its last four characters.</summary>
    public static string? Mask(string? key) => key is null ? null : $"****{key[^Math.Min(4, key.Length)..]}";

    private static FieldMapping Map(AnalyticsType type, FieldMappingInput input, string path)
    {
        if (input.Field is null || !ThingSpeakField().IsMatch(input.Field))
        {
            throw new DomainRuleViolation("INVALID_MAPPING", "field is one of field1 … field8.", $"{path}.field");
        }

        var target = CanonicalFields.Find(type, input.CanonicalField)
            ?? throw new DomainRuleViolation("INVALID_MAPPING",
                $"canonicalField must be a field of {type} telemetry: {string.Join(", ", CanonicalFields.Of(type).Select(f => f.Name))}.",
                $"{path}.canonicalField");
        if (input.DataType is not null && !string.Equals(input.DataType, target.DataType.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            throw new DomainRuleViolation("INVALID_MAPPING",
                $"{target.Name} is of type {target.DataType.ToString().ToLowerInvariant()}.", $"{path}.dataType");
        }

        var scale = input.ScaleFactor ?? 1.0;
        if (!double.IsFinite(scale) || scale == 0)
        {
            throw new DomainRuleViolation("INVALID_MAPPING", "scaleFactor is a finite number other than 0.", $"{path}.scaleFactor");
        }

        var offset = input.Offset ?? 0.0;
        if (!double.IsFinite(offset))
        {
            throw new DomainRuleViolation("INVALID_MAPPING", "offset is a finite number.", $"{path}.offset");
        }

        if (!target.IsNumeric && (scale != 1.0 || offset != 0.0))
        {
            throw new DomainRuleViolation("INVALID_MAPPING", $"{target.Name} is not numeric and takes no scale or offset.",
                scale != 1.0 ? $"{path}.scaleFactor" : $"{path}.offset");
        }

        if (input.Unit is { Length: > 50 })
        {
            throw new DomainRuleViolation("INVALID_MAPPING", "unit has at most 50 characters.", $"{path}.unit");
        }

        return new FieldMapping(input.Field, target, input.Unit ?? target.Unit, scale, offset);
    }

    private static void ValidKey(string? key, string field)
    {
        if (key is not null && !ApiKey().IsMatch(key))
        {
            throw new DomainRuleViolation("INVALID_CHANNEL", $"{field} is 8 to 64 letters and digits, as ThingSpeak issues them.", field);
        }
    }

    [GeneratedRegex(@"^field[1-8]\z")]
    private static partial Regex ThingSpeakField();

    [GeneratedRegex(@"^[A-Za-z0-9]{8,64}\z")]
    private static partial Regex ApiKey();
}
