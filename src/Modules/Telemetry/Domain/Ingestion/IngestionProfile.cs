namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>One field of a source (ThingSpeak's field1..field8) feeding a metric: value × scale + offset.</summary>
/// <param name="DataType">float, integer, string or boolean (the Nodes module's mapping data type).</param>
public sealed record FieldMapping(string SourceField, string Metric, string DataType, double ScaleFactor = 1.0, double Offset = 0.0);

/// <summary>Everything ingestion needs to turn a node's raw entries into typed readings.</summary>
public sealed record IngestionProfile(
    Guid NodeId, TelemetryTable Table, TankGeometry? Geometry, IReadOnlyList<FieldMapping> Mappings, IReadOnlyList<CalibrationCurve> Calibrations)
{
    /// <summary>The calibration of <paramref name="metric"/> valid at <paramref name="at"/>, if any.</summary>
    /// <remarks>Asked for every field of every entry: a loop, not a query that allocates per call.</remarks>
    public CalibrationCurve? CalibrationAt(string metric, DateTimeOffset at)
    {
        // Indexed: a foreach over the interface would allocate an enumerator for every field of every entry.
        for (var i = 0; i < Calibrations.Count; i++)
        {
            if (Calibrations[i].Metric == metric && Calibrations[i].IsValidAt(at))
            {
                return Calibrations[i];
            }
        }

        return null;
    }
}

/// <summary>One entry as a source delivered it: its time, the source's entry id if any, and its fields as text.</summary>
public sealed record RawEntry(DateTimeOffset Timestamp, long? EntryId, IReadOnlyDictionary<string, string?> Fields)
{
    /// <summary>
    /// The entry's instant, in UTC: an offset a device sends says where it is, not when, and everything downstream
    /// (readings, refusals, the batch's event, the database's parameters) takes UTC.
    /// </summary>
    public DateTimeOffset Timestamp { get; init; } = Timestamp.ToUniversalTime();
}
