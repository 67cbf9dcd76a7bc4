using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class ReadingRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    [TestCase(-89.99, ReadingTime.Accepted)]
    [TestCase(-90.0, ReadingTime.TooOld)]
    [TestCase(-120.0, ReadingTime.TooOld)]
    [TestCase(0.0, ReadingTime.Accepted)]
    public void Readings_older_than_the_retention_are_refused(double days, ReadingTime expected) =>
        Assert.That(ReadingWindow.Classify(Now.AddDays(days), Now), Is.EqualTo(expected));

    [TestCase(5, ReadingTime.Accepted)]
    [TestCase(6, ReadingTime.InFuture)]
    public void Readings_from_the_future_are_refused_beyond_the_clock_skew(int minutes, ReadingTime expected) =>
        Assert.That(ReadingWindow.Classify(Now.AddMinutes(minutes), Now), Is.EqualTo(expected));

    [Test]
    public void A_tank_level_becomes_a_percentage_of_the_tanks_depth()
    {
        var reading = new TankReading(Guid.NewGuid(), Now, 100).Measured(new TankGeometry(400, 30));

        Assert.That(reading.WaterLevelPercent, Is.EqualTo(25));
        Assert.That(reading.BelowLowLevel, Is.True);
    }

    [Test]
    public void Without_a_tank_configuration_the_percentage_stays_unknown()
    {
        var reading = new TankReading(Guid.NewGuid(), Now, 100).Measured(null);

        Assert.That(reading.WaterLevelPercent, Is.Null);
        Assert.That(reading.BelowLowLevel, Is.Null);
    }

    [Test]
    public void Each_analytics_type_has_one_table_with_its_primary_metric()
    {
        Assert.That(TelemetryTable.ForAnalyticsType("EvaraTank"), Is.SameAs(TelemetryTable.Tank));
        Assert.That(TelemetryTable.ForAnalyticsType("EvaraFlow"), Is.SameAs(TelemetryTable.Flow));
        Assert.That(TelemetryTable.ForAnalyticsType("EvaraDeep"), Is.SameAs(TelemetryTable.Deep));
        Assert.That(TelemetryTable.ForAnalyticsType("Unknown"), Is.Null);
        Assert.That(TelemetryTable.All.Select(t => t.Metric(t.PrimaryMetric)), Is.All.Not.Null);
    }
}
