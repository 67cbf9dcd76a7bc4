using System.Globalization;
using System.Text.RegularExpressions;

namespace EvaraTech.Benchmarks;

/// <summary>
/// One row of the report: a latency figure (percentiles in milliseconds) or a single measured value (a throughput, a
/// ratio, a duration, a memory peak), with its target beside it and whether the target was met (null: no target).
/// </summary>
public sealed partial record ReportLine(string Name, string Samples, string P50, string P95, string P99, string Max, string Target, bool? Met)
{
    /// <summary>A latency figure; a target of the form "p95 &lt; 10 ms" is checked, any other is only shown.</summary>
    public static ReportLine Latency(LatencyRecorder.Figures f) => new(
        f.Name, f.Samples.ToString(CultureInfo.InvariantCulture), Ms(f.P50), Ms(f.P95), Ms(f.P99), Ms(f.Max), f.Target, Check(f));

    /// <summary>A figure that is one value, printed in the p50 column's place and across the row.</summary>
    public static ReportLine Value(string name, string value, string target = "", bool? met = null) => new(name, "", value, "", "", "", target, met);

    public static void Print(IEnumerable<ReportLine> lines)
    {
        Console.WriteLine();
        Console.WriteLine($"EvaraTech benchmarks — {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"{"benchmark",-70} {"samples",8} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}  {"met",-4} target");
        foreach (var line in lines)
        {
            var met = line.Met switch { true => "yes", false => "NO", null => "" };
            Console.WriteLine(line.P95.Length == 0 && line.Samples.Length == 0
                ? $"{line.Name,-70} {line.P50,47}  {met,-4} {line.Target}"
                : $"{line.Name,-70} {line.Samples,8} {line.P50,9} {line.P95,9} {line.P99,9} {line.Max,9}  {met,-4} {line.Target}");
        }
    }

    private static bool? Check(LatencyRecorder.Figures f)
    {
        if (PercentileTarget().Match(f.Target) is not { Success: true } target)
        {
            return null;
        }

        var bound = double.Parse(target.Groups[2].Value, CultureInfo.InvariantCulture) * (target.Groups[3].Value == "s" ? 1000 : 1);
        var measured = target.Groups[1].Value switch { "p50" => f.P50, "p95" => f.P95, _ => f.P99 };
        return measured < bound;
    }

    [GeneratedRegex(@"^(p50|p95|p99) < ([0-9.]+) (ms|s)$")]
    private static partial Regex PercentileTarget();

    private static string Ms(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
