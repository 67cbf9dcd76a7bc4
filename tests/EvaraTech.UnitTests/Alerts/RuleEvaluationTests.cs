using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.UnitTests.Alerts;

public sealed class RuleEvaluationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [TestCase(ComparisonOperator.GreaterThan, 80, 80.5, 80)]
    [TestCase(ComparisonOperator.GreaterOrEqual, 80, 80, 79.9)]
    [TestCase(ComparisonOperator.LessThan, 20, 19.9, 20)]
    [TestCase(ComparisonOperator.LessOrEqual, 20, 20, 20.1)]
    [TestCase(ComparisonOperator.Equal, 1, 1, 0)]
    [TestCase(ComparisonOperator.NotEqual, 1, 0, 1)]
    public void Each_operator_breaches_on_its_side_only(ComparisonOperator op, double threshold, double breaching, double fine)
    {
        var condition = new AlertCondition(op, threshold);

        Assert.That(condition.Breaches(breaching), Is.True);
        Assert.That(condition.Breaches(fine), Is.False);
    }

    [TestCase(9.9, true)]
    [TestCase(10, false)]
    [TestCase(55, false)]
    [TestCase(90, false)]
    [TestCase(90.1, true)]
    public void Outside_band_breaches_below_the_lower_or_above_the_upper_bound(double value, bool breaches) =>
        Assert.That(new AlertCondition(ComparisonOperator.OutsideBand, 10, 90).Breaches(value), Is.EqualTo(breaches));

    [Test]
    public void A_breach_without_duration_raises_at_once_and_resolves_when_it_ends()
    {
        var (state, decisions) = Evaluate(new AlertCondition(ComparisonOperator.GreaterThan, 80), TimeSpan.Zero, RuleState.Quiet, 70, 85, 90, 75);

        Assert.That(decisions, Is.EqualTo(new RuleDecision[] { new RaiseAlert(At(1), 85, At(1)), new ResolveAlert(At(3), 75) }));
        Assert.That(state, Is.EqualTo(RuleState.Quiet));
    }

    [Test]
    public void A_ten_second_blip_does_not_fire_a_five_minute_rule()
    {
        var condition = new AlertCondition(ComparisonOperator.LessThan, 20);
        var readings = Enumerable.Range(0, 60).Select(s => new MetricReading(T0.AddSeconds(s), s is >= 20 and < 30 ? 10 : 50));

        var (state, decisions) = RuleEvaluation.Evaluate(condition, TimeSpan.FromMinutes(5), RuleState.Quiet, readings);

        Assert.That(decisions, Is.Empty);
        Assert.That(state, Is.EqualTo(RuleState.Quiet));
    }

    [Test]
    public void A_sustained_breach_fires_once_it_has_held_for_the_duration_also_across_batches()
    {
        var condition = new AlertCondition(ComparisonOperator.LessThan, 20);
        var duration = TimeSpan.FromMinutes(5);

        // Three minutes in one batch; the state is what the database keeps (and what survives a restart).
        var (afterFirst, first) = RuleEvaluation.Evaluate(condition, duration, RuleState.Quiet,
            Enumerable.Range(0, 4).Select(m => new MetricReading(T0.AddMinutes(m), 10)));
        var (afterSecond, second) = RuleEvaluation.Evaluate(condition, duration, afterFirst,
            Enumerable.Range(4, 4).Select(m => new MetricReading(T0.AddMinutes(m), 10)));

        Assert.That(first, Is.Empty);
        Assert.That(afterFirst, Is.EqualTo(new RuleState(T0, false)));
        Assert.That(second, Is.EqualTo(new RuleDecision[] { new RaiseAlert(T0.AddMinutes(5), 10, T0) }));
        Assert.That(afterSecond, Is.EqualTo(new RuleState(null, true)));
    }

    [Test]
    public void A_value_hovering_around_the_threshold_raises_once_with_a_clear_threshold()
    {
        var condition = new AlertCondition(ComparisonOperator.GreaterThan, 80, ClearThreshold: 75);

        var (state, decisions) = Evaluate(condition, TimeSpan.Zero, RuleState.Quiet, 81, 79, 81, 79.5, 80.5, 76, 74, 81);

        Assert.That(decisions, Is.EqualTo(new RuleDecision[]
        {
            new RaiseAlert(At(0), 81, At(0)), new ResolveAlert(At(6), 74), new RaiseAlert(At(7), 81, At(7)),
        }));
        Assert.That(state.AlertOpen, Is.True);
    }

    [Test]
    public void Without_a_clear_threshold_the_same_values_flap()
    {
        var (_, decisions) = Evaluate(new AlertCondition(ComparisonOperator.GreaterThan, 80), TimeSpan.Zero, RuleState.Quiet, 81, 79, 81, 79);

        Assert.That(decisions, Has.Count.EqualTo(4), "which is why the clear threshold exists");
    }

    [Test]
    public void A_band_clears_only_once_back_inside_by_its_margin()
    {
        var condition = new AlertCondition(ComparisonOperator.OutsideBand, 10, 90, ClearThreshold: 5);

        var (_, decisions) = Evaluate(condition, TimeSpan.Zero, RuleState.Quiet, 95, 88, 85);

        Assert.That(decisions, Is.EqualTo(new RuleDecision[] { new RaiseAlert(At(0), 95, At(0)), new ResolveAlert(At(2), 85) }));
    }

    [Test]
    public void Readings_are_taken_in_time_order_whatever_order_they_arrive_in()
    {
        var condition = new AlertCondition(ComparisonOperator.GreaterThan, 80);
        MetricReading[] readings = [new(At(2), 70), new(At(0), 90), new(At(1), 95)];

        var (_, decisions) = RuleEvaluation.Evaluate(condition, TimeSpan.FromMinutes(1), RuleState.Quiet, readings);

        Assert.That(decisions, Is.EqualTo(new RuleDecision[] { new RaiseAlert(At(1), 95, At(0)), new ResolveAlert(At(2), 70) }));
    }

    [TestCase(ComparisonOperator.OutsideBand, 10, null, null)]
    [TestCase(ComparisonOperator.OutsideBand, 10, 5.0, null)]
    [TestCase(ComparisonOperator.OutsideBand, 10, 20.0, 5.0)]
    [TestCase(ComparisonOperator.GreaterThan, 80, null, 85.0)]
    [TestCase(ComparisonOperator.LessThan, 20, null, 15.0)]
    [TestCase(ComparisonOperator.Equal, 1, null, 0.5)]
    [TestCase(ComparisonOperator.GreaterThan, 80, 90.0, null)]
    public void Inconsistent_conditions_are_refused(ComparisonOperator op, double threshold, double? upper, double? clear) =>
        Assert.That(new AlertCondition(op, threshold, upper, clear).Problem(), Is.Not.Null);

    [TestCase(ComparisonOperator.OutsideBand, 10, 90.0, 5.0)]
    [TestCase(ComparisonOperator.GreaterThan, 80, null, 75.0)]
    [TestCase(ComparisonOperator.LessOrEqual, 20, null, 25.0)]
    [TestCase(ComparisonOperator.NotEqual, 1, null, null)]
    public void Consistent_conditions_are_accepted(ComparisonOperator op, double threshold, double? upper, double? clear) =>
        Assert.That(new AlertCondition(op, threshold, upper, clear).Problem(), Is.Null);

    private static (RuleState, IReadOnlyList<RuleDecision>) Evaluate(AlertCondition condition, TimeSpan duration, RuleState state, params double[] values) =>
        RuleEvaluation.Evaluate(condition, duration, state, values.Select((v, i) => new MetricReading(At(i), v)));

    private static DateTimeOffset At(int minute) => T0.AddMinutes(minute);
}
