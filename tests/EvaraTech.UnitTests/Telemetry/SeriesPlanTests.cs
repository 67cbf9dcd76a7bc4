using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class SeriesPlanTests
{
    private static readonly DateTimeOffset To = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [TestCase(0.5, SeriesResolution.Raw)]
    [TestCase(6.0, SeriesResolution.Raw)]
    [TestCase(6.01, SeriesResolution.Hour)]
    [TestCase(24.0, SeriesResolution.Hour)]
    [TestCase(60 * 24.0, SeriesResolution.Hour)]
    [TestCase(60 * 24.0 + 0.01, SeriesResolution.Day)]
    [TestCase(365 * 24.0, SeriesResolution.Day)]
    public void Auto_reads_raw_up_to_6_hours_hourly_up_to_60_days_and_daily_beyond(double hours, SeriesResolution expected) =>
        Assert.That(SeriesPlan.Choose(null, To.AddHours(-hours), To), Is.EqualTo(expected));

    [TestCase(SeriesResolution.Raw)]
    [TestCase(SeriesResolution.Hour)]
    [TestCase(SeriesResolution.Day)]
    public void An_explicit_resolution_is_kept_whatever_the_span(SeriesResolution requested) =>
        Assert.That(SeriesPlan.Choose(requested, To.AddDays(-30), To), Is.EqualTo(requested));

    [Test]
    public void Raw_is_capped_at_a_week_and_rollups_at_the_bucket_cap() => Assert.Multiple(() =>
    {
        Assert.That(SeriesPlan.MaxSpan(SeriesResolution.Raw), Is.EqualTo(TimeSpan.FromDays(7)));
        Assert.That(SeriesPlan.MaxSpan(SeriesResolution.Hour) / SeriesPlan.BucketWidth(SeriesResolution.Hour), Is.EqualTo(SeriesPlan.MaxBuckets));
        Assert.That(SeriesPlan.MaxSpan(SeriesResolution.Day) / SeriesPlan.BucketWidth(SeriesResolution.Day), Is.EqualTo(SeriesPlan.MaxBuckets));
    });

    [Test]
    public void Every_span_auto_chooses_is_within_the_cap_of_its_choice() => Assert.Multiple(() =>
    {
        Assert.That(SeriesPlan.AutoRawUpTo, Is.LessThanOrEqualTo(SeriesPlan.MaxSpan(SeriesResolution.Raw)));
        Assert.That(SeriesPlan.AutoHourlyUpTo, Is.LessThanOrEqualTo(SeriesPlan.MaxSpan(SeriesResolution.Hour)));
    });

    [Test]
    public void The_resolution_names_are_the_query_values() =>
        Assert.That(SeriesPlan.Resolutions.Keys, Is.EquivalentTo(new[] { "auto", "raw", "hour", "day" }));
}
