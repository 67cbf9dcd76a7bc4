namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>Why an entry, or one field of it, was not stored: kept with the raw payload, never silently dropped.</summary>
public sealed record Rejection(DateTimeOffset Timestamp, long? EntryId, string Reason, string? SourceField);

/// <summary>
/// An entry's fate: a typed reading of every field that was accepted (null when none could make one), and a rejection
/// for each field that was refused, or one for the whole entry when its time is.
/// </summary>
public sealed record ParsedEntry(IReading? Reading, IReadOnlyList<Rejection> Rejections);

/// <summary>
/// Turns one raw entry into a typed reading: each mapped field parsed by its data type (<see cref="FieldValues"/>),
/// scaled and offset, calibrated by the calibration valid at the entry's time, checked against
/// <see cref="MetricLimits"/>. Acceptance is per field: a refused battery voltage costs the entry its battery voltage,
/// not its level. Only a time outside the window, or a missing primary metric, refuses the whole entry.
/// </summary>
public static class EntryParser
{
    private static readonly HashSet<string> IntegerMetrics = ["tds_ppm", "rssi_dbm"];

    public static ParsedEntry Parse(IngestionProfile profile, RawEntry entry, DateTimeOffset now)
    {
        switch (ReadingWindow.Classify(entry.Timestamp, now))
        {
            case ReadingTime.InFuture:
                return Refuse(entry, $"timestamp {entry.Timestamp:O} is more than {ReadingWindow.ClockSkew.TotalMinutes} minutes in the future", null);
            case ReadingTime.TooOld:
                return Refuse(entry, $"timestamp {entry.Timestamp:O} is older than the {ReadingWindow.Retention.TotalDays}-day retention", null);
        }

        // Most entries are refused nothing: their list of refusals is only made for the first one.
        var values = new Dictionary<string, double>(profile.Mappings.Count, StringComparer.Ordinal);
        string? pumpStatus = null;
        List<Rejection>? rejections = null;
        for (var m = 0; m < profile.Mappings.Count; m++)
        {
            var mapping = profile.Mappings[m];
            if (!entry.Fields.TryGetValue(mapping.SourceField, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var trimmed = text.Trim();
            string? reason;
            if (mapping.Metric == "pump_status")
            {
                pumpStatus = FieldValues.PumpStatus(trimmed);
                reason = pumpStatus is null ? $"'{FieldValues.Shorten(trimmed)}' is not a pump status (running, stopped, fault)" : null;
            }
            else
            {
                (var value, reason) = Convert(profile, mapping, trimmed, entry.Timestamp);
                if (reason is null)
                {
                    values[mapping.Metric] = value;
                }
            }

            if (reason is not null)
            {
                (rejections ??= []).Add(new Rejection(entry.Timestamp, entry.EntryId, $"{mapping.SourceField}: {reason}", mapping.SourceField));
            }
        }

        var reading = Build(profile, entry, values, pumpStatus);
        if (reading is null && rejections is null)
        {
            rejections = [new Rejection(entry.Timestamp, entry.EntryId, $"no {profile.Table.RequiredMetric ?? "measurement"} in the entry", null)];
        }

        return new ParsedEntry(reading, rejections ?? (IReadOnlyList<Rejection>)[]);
    }

    private static (double Value, string? Reason) Convert(IngestionProfile profile, FieldMapping mapping, string text, DateTimeOffset at)
    {
        var (raw, reason) = mapping.DataType == "boolean" ? FieldValues.Boolean(text) : FieldValues.Number(text);
        if (reason is not null)
        {
            return (0, reason);
        }

        if (SensorFaults.Explain(mapping.Metric, raw) is { } fault)
        {
            return (0, fault);
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

        return MetricLimits.Check(mapping.Metric, value) is { } outside ? (0, outside) : (value, null);
    }

    private static IReading? Build(IngestionProfile profile, RawEntry entry, Dictionary<string, double> values, string? pumpStatus)
    {
        double? Number(string metric) => values.TryGetValue(metric, out var v) ? v : null;
        int? Integer(string metric) => values.TryGetValue(metric, out var v) ? (int)v : null;

        return profile.Table.Key switch
        {
            "tank" => Number("water_level_cm") is { } level
                ? new TankReading(profile.NodeId, entry.Timestamp, level, Number("temperature_c"), Integer("tds_ppm"), Number("ph"),
                    Number("battery_voltage"), Integer("rssi_dbm")).Measured(profile.Geometry)
                : null,
            "flow" => Number("flow_rate_lpm") is { } rate
                ? new FlowReading(profile.NodeId, entry.Timestamp, rate, Number("cumulative_volume_liters"), Number("pressure_bar"), Number("temperature_c"))
                : null,
            _ => values.Count > 0 || pumpStatus is not null
                ? new DeepReading(profile.NodeId, entry.Timestamp, Number("static_water_level_m"), Number("dynamic_water_level_m"),
                    pumpStatus, Number("pump_current_a"), Number("voltage_v"), Number("energy_kwh"))
                : null,
        };
    }

    private static ParsedEntry Refuse(RawEntry entry, string reason, string? field) => new(null, [new Rejection(entry.Timestamp, entry.EntryId, reason, field)]);
}
