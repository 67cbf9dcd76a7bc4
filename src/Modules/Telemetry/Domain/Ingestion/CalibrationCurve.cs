using System.Text.Json;

namespace EvaraTech.Modules.Telemetry.Domain.Ingestion;

/// <summary>
/// A node's calibration (nodes.device_calibration) applied to a mapped value during its validity period [from, until): linear
/// (slope·x + intercept), polynomial (c0 + c1·x + …) or a lookup table interpolated linearly between points and
/// extrapolated from the outermost segment. The Nodes module validated the parameters when it stored them.
/// </summary>
public sealed record CalibrationCurve(string Metric, string Kind, IReadOnlyList<double> Coefficients, IReadOnlyList<(double Raw, double Value)> Points,
    DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil)
{
    public bool IsValidAt(DateTimeOffset at) => at >= ValidFrom && (ValidUntil is null || at < ValidUntil);

    public double Apply(double x) => Kind switch
    {
        "linear" => Coefficients[0] * x + Coefficients[1],
        "polynomial" => Coefficients.Reverse().Aggregate(0.0, (sum, c) => sum * x + c),
        _ => Interpolate(x),
    };

    /// <summary>From the stored form: linear {slope, intercept}, polynomial {coefficients}, lookup_table {points}.</summary>
    public static CalibrationCurve From(string metric, string kind, string parametersJson, DateTimeOffset validFrom, DateTimeOffset? validUntil)
    {
        using var document = JsonDocument.Parse(parametersJson);
        var parameters = document.RootElement;
        return kind switch
        {
            "linear" => new(metric, kind, [parameters.GetProperty("slope").GetDouble(), parameters.GetProperty("intercept").GetDouble()], [], validFrom, validUntil),
            "polynomial" => new(metric, kind, [.. parameters.GetProperty("coefficients").EnumerateArray().Select(c => c.GetDouble())], [], validFrom, validUntil),
            _ => new(metric, kind, [], [.. parameters.GetProperty("points").EnumerateArray().Select(p => (p[0].GetDouble(), p[1].GetDouble()))], validFrom, validUntil),
        };
    }

    private double Interpolate(double x)
    {
        var upper = 1;
        while (upper < Points.Count - 1 && x > Points[upper].Raw)
        {
            upper++;
        }

        var (x0, y0) = Points[upper - 1];
        var (x1, y1) = Points[upper];
        return y0 + (x - x0) * (y1 - y0) / (x1 - x0);
    }
}
