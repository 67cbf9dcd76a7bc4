using System.Diagnostics.Metrics;
using EvaraTech.Infrastructure.Observability;

namespace EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;

/// <summary>What ingestion stored and refused, per source and reason, counted once the batch has committed.</summary>
public static class IngestionMetrics
{
    private static readonly Counter<long> Stored = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.readings.stored", description: "Readings stored, per source (poll, push, gateway)");

    private static readonly Counter<long> Refused = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.readings.refused",
        description: "Readings not stored, per source and reason: duplicate (stored before), invalid (refused whole), field (a field refused from a stored reading)");

    public static void Record(string source, IReadOnlyList<BatchOutcome> outcomes)
    {
        var from = new KeyValuePair<string, object?>("source", source);
        Stored.Add(outcomes.Sum(o => o.Stored), from);
        Count(outcomes.Sum(o => o.Duplicates), "duplicate");
        Count(outcomes.Sum(o => o.Rejected), "invalid");
        Count(outcomes.Sum(o => o.RefusedFields), "field");

        void Count(int refused, string reason)
        {
            if (refused > 0)
            {
                Refused.Add(refused, from, new KeyValuePair<string, object?>("reason", reason));
            }
        }
    }
}
