using System.Globalization;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>Why an entry was not stored: kept with the raw payload, never silently dropped.</summary>
public sealed record Rejection(DateTimeOffset Timestamp, long? EntryId, string Reason, string? SourceField);

/// <summary>An entry's fate: a typed reading, or the reason it was refused.</summary>
public sealed record ParsedEntry(IReading? Reading, Rejection? Rejection);

/// <summary>
/// Turns one raw entry into a typed reading: each mapped field parsed by its data type, scaled and offset, calibrated
/// by the calibration valid at the entry's time, checked against <see cref="MetricLimits"/>. One bad field refuses
/// the whole entry (a half-believed reading is worse than none); other entries of the batch are unaffected.
/// </summary>
public static class EntryParser
{
    /// <summary>Sources stamp their own entries; more than this ahead of our clock is a device clock gone wrong.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromMinutes(5);

    private static readonly IReadOnlyDictionary<string, string> PumpStates = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["running"] = "running", ["on"] = "running", ["1"] = "running",
        ["stopped"] = "stopped", ["off"] = "stopped", ["0"] = "stopped",
        ["fault"] = "fault", ["2"] = "fault",
    };

    private static readonly HashSet<string> IntegerMetrics = ["tds_ppm", "rssi_dbm"];

    public static ParsedEntry Parse(IngestionProfile profile, RawEntry entry, DateTimeOffset now)
    {
        if (entry.Timestamp > now + FutureTolerance)
        {
            return Refuse(entry, $"timestamp {entry.Timestamp:O} is more than {FutureTolerance.TotalMinutes} minutes in the future", null);
        }

        if (ReadingWindow.Classify(entry.Timestamp, now) == ReadingTime.TooOld)
        {
            return Refuse(entry, $"timestamp {entry.Timestamp:O} is older than the {ReadingWindow.Retention.TotalDays}-day retention", null);
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var mapping in profile.Mappings)
        {
            if (!entry.Fields.TryGetValue(mapping.SourceField, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var (value, reason) = Convert(profile, mapping, text.Trim(), entry.Timestamp);
            if (reason is not null)
            {
                return Refuse(entry, $"{mapping.SourceField}: {reason}", mapping.SourceField);
            }

            values[mapping.Metric] = value!;
        }

        return Build(profile, entry, values);
    }

    private static (object? Value, string? Reason) Convert(IngestionProfile profile, FieldMapping mapping, string text, DateTimeOffset at)
    {
        if (mapping.Metric == "pump_status")
        {
            return PumpStates.TryGetValue(text, out var state) ? (state, null) : (null, $"'{Shorten(text)}' is not a pump status (running, stopped, fault)");
        }

        if (mapping.DataType == "boolean")
        {
            text = text.ToLowerInvariant() switch { "true" => "1", "false" => "0", var other => other };
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var raw))
        {
            return (null, $"'{Shorten(text)}' is not a number");
        }

        if (!double.IsFinite(raw))
        {
            return (null, $"'{Shorten(text)}' is not a finite number");
        }

        var value = raw * mapping.ScaleFactor + mapping.Offset;
        if (profile.CalibrationAt(mapping.Metric, at) is { } calibration)
        {
            value = calibration.Apply(value);
        }

        if (IntegerMetrics.Contains(mapping.Metric))
        {
            value = Math.Round(value, MidpointRounding.AwayFromZero);
        }

        return MetricLimits.Check(mapping.Metric, value) is { } outside ? (null, outside) : (value, null);
    }

    private static ParsedEntry Build(IngestionProfile profile, RawEntry entry, Dictionary<string, object> values)
    {
        double? Number(string metric) => values.TryGetValue(metric, out var v) ? (double)v : null;
        int? Integer(string metric) => values.TryGetValue(metric, out var v) ? (int)(double)v : null;

        IReading? reading = profile.Table.Key switch
        {
            "tank" => Number("water_level_cm") is { } level
                ? new TankReading(profile.NodeId, entry.Timestamp, level, Number("temperature_c"), Integer("tds_ppm"), Number("ph"),
                    Number("battery_voltage"), Integer("rssi_dbm")).Measured(profile.Geometry)
                : null,
            "flow" => Number("flow_rate_lpm") is { } rate
                ? new FlowReading(profile.NodeId, entry.Timestamp, rate, Number("cumulative_volume_liters"), Number("pressure_bar"), Number("temperature_c"))
                : null,
            _ => values.Count > 0
                ? new DeepReading(profile.NodeId, entry.Timestamp, Number("static_water_level_m"), Number("dynamic_water_level_m"),
                    values.TryGetValue("pump_status", out var status) ? (string)status : null, Number("pump_current_a"), Number("voltage_v"), Number("energy_kwh"))
                : null,
        };

        return reading is not null
            ? new ParsedEntry(reading, null)
            : Refuse(entry, $"no {profile.Table.RequiredMetric ?? "measurement"} in the entry", null);
    }

    private static ParsedEntry Refuse(RawEntry entry, string reason, string? field) => new(null, new Rejection(entry.Timestamp, entry.EntryId, reason, field));

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
