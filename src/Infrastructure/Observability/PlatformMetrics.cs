using System.Diagnostics.Metrics;

namespace EvaraTech.Infrastructure.Observability;

/// <summary>The platform's own meter: modules create their counters on it, and the metrics pipeline exports it.</summary>
public static class PlatformMetrics
{
    public static readonly Meter Meter = new(ObservabilityRegistration.ServiceName);
}
