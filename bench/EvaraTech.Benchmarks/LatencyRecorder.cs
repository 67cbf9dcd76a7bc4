using System.Diagnostics;

namespace EvaraTech.Benchmarks;

/// <summary>Times an operation many times after a warm-up and reports percentiles in milliseconds.</summary>
public static class LatencyRecorder
{
    public sealed record Figures(string Name, int Samples, double P50, double P95, double P99, double Max, string Target);

    public static async Task<Figures> MeasureAsync(string name, string target, Func<Task> operation, int warmup = 200, int samples = 2000)
    {
        for (var i = 0; i < warmup; i++)
        {
            await operation();
        }

        var timings = new double[samples];
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation();
            timings[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return Summarise(name, target, timings);
    }

    /// <summary>The percentiles of <paramref name="timings"/> (milliseconds).</summary>
    public static Figures Summarise(string name, string target, IEnumerable<double> timings)
    {
        var sorted = timings.Order().ToArray();
        double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
        return new Figures(name, sorted.Length, Percentile(0.50), Percentile(0.95), Percentile(0.99), sorted[^1], target);
    }
}
