using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class HealthScoreTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static HealthInputs Healthy => new(Now.AddMinutes(-5), 96, 4.0, -70, 0);

    private static double? Part(HealthScore score, string name) => score.Parts.Single(p => p.Name == name).Score;

    [Test]
    public void A_node_reporting_everything_well_scores_100_with_full_confidence()
    {
        var score = HealthScore.Compute(Healthy, Now);

        Assert.Multiple(() =>
        {
            Assert.That(score.Score, Is.EqualTo(100));
            Assert.That(score.Confidence, Is.EqualTo(1));
            Assert.That(score.Parts.Select(p => p.Name), Is.EqualTo(new[] { "freshness", "completeness", "battery", "signal", "alerts" }));
            Assert.That(score.Parts.Sum(p => p.Weight), Is.EqualTo(1).Within(1e-12));
        });
    }

    [TestCase(0, 1.0)]
    [TestCase(30, 1.0)]
    [TestCase(31, 0.99929)]
    [TestCase(12 * 60 + 15, 0.5)]
    [TestCase(24 * 60, 0.0)]
    [TestCase(48 * 60, 0.0)]
    public void Freshness_is_1_within_two_intervals_and_falls_linearly_to_0_at_24_hours(int minutesAgo, double expected) =>
        Assert.That(Part(HealthScore.Compute(Healthy with { LastReadingAt = Now.AddMinutes(-minutesAgo) }, Now), "freshness"), Is.EqualTo(expected).Within(1e-5));

    [Test]
    public void Freshness_is_0_without_a_reading() =>
        Assert.That(Part(HealthScore.Compute(Healthy with { LastReadingAt = null }, Now), "freshness"), Is.EqualTo(0));

    [TestCase(0, 0.0)]
    [TestCase(48, 0.5)]
    [TestCase(96, 1.0)]
    [TestCase(500, 1.0)]
    public void Completeness_is_the_share_of_96_expected_readings_at_most_1(int readings, double expected) =>
        Assert.That(Part(HealthScore.Compute(Healthy with { Readings24h = readings }, Now), "completeness"), Is.EqualTo(expected));

    [TestCase(3.0, 0.0)]
    [TestCase(3.3, 0.0)]
    [TestCase(3.65, 0.5)]
    [TestCase(4.0, 1.0)]
    [TestCase(4.2, 1.0)]
    public void Battery_is_linear_from_empty_to_full_and_clamped(double volts, double expected) =>
        Assert.That(Part(HealthScore.Compute(Healthy with { BatteryVoltage = volts }, Now), "battery"), Is.EqualTo(expected).Within(1e-9));

    [TestCase(-120, 0.0)]
    [TestCase(-115, 0.0)]
    [TestCase(-92.5, 0.5)]
    [TestCase(-70, 1.0)]
    [TestCase(-50, 1.0)]
    public void Signal_is_linear_from_lost_to_excellent_and_clamped(double dbm, double expected) =>
        Assert.That(Part(HealthScore.Compute(Healthy with { RssiDbm = (int)dbm }, Now), "signal"), Is.EqualTo(expected).Within(0.012));

    [TestCase(0, 1.0)]
    [TestCase(1, 0.5)]
    [TestCase(2, 0.0)]
    [TestCase(7, 0.0)]
    public void Alerts_score_1_with_none_open_half_with_one_and_0_with_more(int open, double expected) =>
        Assert.That(Part(HealthScore.Compute(Healthy with { OpenAlerts = open }, Now), "alerts"), Is.EqualTo(expected));

    [Test]
    public void Unknown_battery_and_signal_drop_out_and_the_other_weights_are_renormalised()
    {
        // freshness 1, completeness 0.5, alerts 0.5 over the known weights 0.35 + 0.25 + 0.15.
        var score = HealthScore.Compute(new HealthInputs(Now, 48, null, null, 1), Now);

        Assert.Multiple(() =>
        {
            Assert.That(Part(score, "battery"), Is.Null);
            Assert.That(Part(score, "signal"), Is.Null);
            Assert.That(score.Parts.Single(p => p.Name == "battery").Basis, Is.EqualTo("not reported"));
            Assert.That(score.Score, Is.EqualTo(Math.Round(100 * (0.35 + 0.25 * 0.5 + 0.15 * 0.5) / 0.75, 1)));
            Assert.That(score.Confidence, Is.EqualTo(Math.Round(0.75 * 0.5, 3)));
        });
    }

    [Test]
    public void The_score_is_the_weighted_mean_of_the_parts()
    {
        var score = HealthScore.Compute(new HealthInputs(Now.AddMinutes(-10), 72, 3.65, -92, 1), Now);

        var expected = 100 * score.Parts.Sum(p => p.Weight * p.Score!.Value) / score.Parts.Sum(p => p.Weight);
        Assert.That(score.Score, Is.EqualTo(Math.Round(expected, 1)));
    }

    [TestCase(96, 1.0)]
    [TestCase(24, 0.25)]
    [TestCase(0, 0.0)]
    public void Confidence_is_the_known_weight_times_completeness(int readings, double expected) =>
        Assert.That(HealthScore.Compute(Healthy with { Readings24h = readings }, Now).Confidence, Is.EqualTo(expected));

    [Test]
    public void A_node_with_no_state_is_still_scored_on_what_is_known()
    {
        var score = HealthScore.Compute(new HealthInputs(null, 0, null, null, 0), Now);

        Assert.Multiple(() =>
        {
            Assert.That(score.Score, Is.EqualTo(Math.Round(100 * 0.15 / 0.75, 1)), "only the alerts part scores");
            Assert.That(score.Confidence, Is.EqualTo(0));
            Assert.That(score.Parts.Single(p => p.Name == "freshness").Basis, Is.EqualTo("no reading yet"));
        });
    }
}
