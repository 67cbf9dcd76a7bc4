using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Application;

/// <summary>How a node's ingestion source becomes the profile its entries are parsed with: one place for storing and previewing.</summary>
public static class IngestionProfiles
{
    /// <param name="mappings">mappings to parse with instead of the stored ones (a preview of a mapping not yet saved)</param>
    public static IngestionProfile Of(IngestionSource source, IReadOnlyList<FieldMapping>? mappings = null)
    {
        var table = TelemetryTable.ForAnalyticsType(source.Node.AnalyticsType)
            ?? throw new InvalidOperationException($"No telemetry table for {source.Node.AnalyticsType}.");
        var geometry = source.Node is { TankMaxDepthCm: { } depth, TankLowLevelPercent: { } low } ? new TankGeometry(depth, low) : null;
        return new IngestionProfile(source.Node.Id, table, geometry,
            mappings ?? [.. source.Fields.Select(f => new FieldMapping(f.Field, f.Metric, f.DataType, f.ScaleFactor, f.Offset))],
            [.. source.Calibrations.Select(c => CalibrationCurve.From(c.Metric, c.Kind, c.ParametersJson, c.ValidFrom, c.ValidUntil))]);
    }
}
