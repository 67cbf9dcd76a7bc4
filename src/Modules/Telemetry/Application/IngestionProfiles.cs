using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.Modules.Telemetry.Application;

/// <summary>How a node's ingestion source becomes the profile its entries are parsed with: one place for storing and previewing.</summary>
public static class IngestionProfiles
{
    public static IngestionProfile Of(IngestionSource source)
    {
        var table = TelemetryTable.ForAnalyticsType(source.Node.AnalyticsType)
            ?? throw new InvalidOperationException($"No telemetry table for {source.Node.AnalyticsType}.");
        var geometry = source.Node is { TankMaxDepthCm: { } depth, TankLowLevelPercent: { } low } ? new TankGeometry(depth, low) : null;
        return new IngestionProfile(source.Node.Id, table, geometry,
            [.. source.Fields.Select(f => new FieldMapping(f.Field, f.Metric, f.DataType, f.ScaleFactor, f.Offset))],
            [.. source.Calibrations.Select(c => CalibrationCurve.From(c.Metric, c.Kind, c.ParametersJson, c.ValidFrom, c.ValidUntil))]);
    }
}
