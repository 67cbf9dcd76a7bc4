using System.Globalization;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// Values that firmware sends in place of a measurement when its sensor failed: they parse as numbers and may even
/// fall inside a metric's range after scaling, but they are not water. Checked on the raw value, before any mapping.
/// </summary>
public static class SensorFaults
{
    /// <summary>DallasTemperature's DEVICE_DISCONNECTED_C: a DS18B20 that did not answer.</summary>
    private const double DisconnectedDs18B20 = -127;

    /// <summary>Metrics measured as a distance or depth: a negative raw value is an echo that never came back.</summary>
    private static readonly HashSet<string> Distances = ["water_level_cm", "static_water_level_m", "dynamic_water_level_m"];

    /// <returns>why <paramref name="raw"/> is a sensor's error code, or null when it is a measurement</returns>
    public static string? Explain(string metric, double raw) =>
        metric == "temperature_c" && raw == DisconnectedDs18B20 ? "-127 is a sensor error code (DS18B20 disconnected or read failed)"
        : Distances.Contains(metric) && raw < 0
            ? $"{raw.ToString(CultureInfo.InvariantCulture)} is a sensor error code (a negative distance: no echo or no reading)"
            : null;
}
