namespace EvaraTech.Modules.Alerts.Domain;

/// <summary>A rule as evaluation needs it: the metric it watches, its condition, how long a breach must hold, how bad it is.</summary>
public sealed record AlertRule(Guid Id, string Name, string Metric, AlertCondition Condition, TimeSpan Duration, AlertSeverity Severity)
{
    public static readonly IReadOnlyDictionary<string, ComparisonOperator> Operators = new Dictionary<string, ComparisonOperator>
    {
        [">"] = ComparisonOperator.GreaterThan,
        [">="] = ComparisonOperator.GreaterOrEqual,
        ["<"] = ComparisonOperator.LessThan,
        ["<="] = ComparisonOperator.LessOrEqual,
        ["="] = ComparisonOperator.Equal,
        ["!="] = ComparisonOperator.NotEqual,
        ["outside"] = ComparisonOperator.OutsideBand,
    };

    /// <summary>What the alert says, e.g. "Tank low: water_level_percent 12.5 < 20".</summary>
    public string Message(double value) => Condition.Operator == ComparisonOperator.OutsideBand
        ? $"{Name}: {Metric} {value:0.###} outside {Condition.Threshold:0.###}..{Condition.UpperThreshold:0.###}"
        : $"{Name}: {Metric} {value:0.###} {Operators.Single(o => o.Value == Condition.Operator).Key} {Condition.Threshold:0.###}";
}
