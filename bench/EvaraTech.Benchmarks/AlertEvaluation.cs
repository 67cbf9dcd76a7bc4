using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The alert evaluation's in-memory figure: a batch of 1,000 readings (100 nodes × 10, one metric) evaluated against 10 rules per
/// node, every operator and some durations and clear thresholds among them, from a quiet state. Only the domain's
/// evaluation is timed; reading the batch and writing alerts are the database's part.
/// </summary>
public static class AlertEvaluation
{
    private const int Nodes = 100;
    private const int ReadingsPerNode = 10;
    private const int RulesPerNode = 10;

    public static async Task<LatencyRecorder.Figures> MeasureAsync()
    {
        var start = new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
        var readings = Enumerable.Range(0, Nodes)
            .Select(n => Enumerable.Range(0, ReadingsPerNode).Select(i => new MetricReading(start.AddMinutes(i), (n * 7 + i * 13) % 100)).ToArray())
            .ToArray();
        var operators = Enum.GetValues<ComparisonOperator>();
        (AlertCondition Condition, TimeSpan Duration)[] rules = [.. Enumerable.Range(0, RulesPerNode).Select(r => operators[r % operators.Length] switch
        {
            ComparisonOperator.OutsideBand => (new AlertCondition(ComparisonOperator.OutsideBand, 10, 90, 5), TimeSpan.Zero),
            ComparisonOperator.GreaterThan => (new AlertCondition(ComparisonOperator.GreaterThan, 50 + r, ClearThreshold: 40), TimeSpan.FromMinutes(3)),
            var op => (new AlertCondition(op, 20 + r * 5), TimeSpan.FromMinutes(r % 3)),
        })];

        var raised = 0;
        var figures = await LatencyRecorder.MeasureAsync($"alert evaluation, {Nodes * ReadingsPerNode:N0} readings × {RulesPerNode} rules per node (memory)",
            "< 5 ms", () =>
            {
                foreach (var node in readings)
                {
                    foreach (var (condition, duration) in rules)
                    {
                        raised += RuleEvaluation.Evaluate(condition, duration, RuleState.Quiet, node).Decisions.Count;
                    }
                }

                return Task.CompletedTask;
            }, warmup: 50, samples: 500);
        return raised > 0 ? figures : throw new InvalidOperationException("The benchmark's rules never fired: it measures nothing useful.");
    }
}
