using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.UnitTests.Alerts;

public sealed class UptimeTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddDays(10);
    private static readonly DateTimeOffset Later = To.AddDays(5);

    /// <summary>A node observed since long before every period here.</summary>
    private static readonly DateTimeOffset Always = From.AddYears(-1);

    [Test]
    public void An_outage_that_straddles_the_start_counts_only_its_inside_part()
    {
        var figures = Uptime.Over(From, To, Later, Always, [new Outage(From.AddHours(-6), From.AddHours(6))]);

        Assert.That(figures.DowntimeSeconds, Is.EqualTo(6 * 3600));
        Assert.That(figures.UptimePercent, Is.EqualTo(100 * (240 - 6) / 240.0).Within(1e-4));
        Assert.That(figures.Outages.Single().Start, Is.EqualTo(From));
    }

    [Test]
    public void An_outage_that_straddles_the_end_counts_only_its_inside_part_and_is_ongoing_as_seen_from_the_period()
    {
        var figures = Uptime.Over(From, To, Later, Always, [new Outage(To.AddHours(-12), To.AddHours(12))]);

        Assert.That(figures.DowntimeSeconds, Is.EqualTo(12 * 3600));
        Assert.That(figures.Outages.Single(), Is.EqualTo(new OutageSpan(To.AddHours(-12), To, Ongoing: true)));
    }

    [Test]
    public void An_open_outage_lasts_until_now_and_the_future_is_not_counted()
    {
        var now = From.AddDays(2);

        var figures = Uptime.Over(From, To, now, Always, [new Outage(From.AddDays(1), null)]);

        Assert.That(figures.ObservedSeconds, Is.EqualTo(2 * 86400));
        Assert.That(figures.DowntimeSeconds, Is.EqualTo(86400));
        Assert.That(figures.UptimePercent, Is.EqualTo(50));
    }

    [Test]
    public void Outages_outside_the_period_count_nothing_and_overlapping_ones_count_once()
    {
        var figures = Uptime.Over(From, To, Later, Always,
        [
            new Outage(From.AddDays(-3), From.AddDays(-2)),
            new Outage(From.AddHours(1), From.AddHours(3)),
            new Outage(From.AddHours(2), From.AddHours(4)),
            new Outage(To.AddDays(1), null),
        ]);

        Assert.That(figures.DowntimeSeconds, Is.EqualTo(3 * 3600));
        Assert.That(figures.Outages, Has.Count.EqualTo(1));
    }

    [Test]
    public void A_period_that_has_not_begun_has_no_figure() =>
        Assert.That(Uptime.Over(Later, Later.AddDays(1), To, Always, []).UptimePercent, Is.Null);

    [Test]
    public void No_outage_is_full_uptime() => Assert.That(Uptime.Over(From, To, Later, Always, []).UptimePercent, Is.EqualTo(100));

    [Test]
    public void A_node_that_began_reporting_inside_the_period_is_observed_from_then()
    {
        var figures = Uptime.Over(From, To, Later, From.AddDays(9), [new Outage(From.AddDays(9).AddHours(6), From.AddDays(9).AddHours(12))]);

        Assert.That(figures.ObservedFrom, Is.EqualTo(From.AddDays(9)));
        Assert.That(figures.ObservedSeconds, Is.EqualTo(86400));
        Assert.That(figures.UptimePercent, Is.EqualTo(75));
    }

    [Test]
    public void A_node_that_began_reporting_after_the_period_has_nothing_observed()
    {
        var figures = Uptime.Over(From, To, Later, To.AddDays(1), [new Outage(To.AddDays(2), null)]);

        Assert.That((figures.ObservedFrom, figures.ObservedSeconds, figures.UptimePercent, figures.Outages.Count), Is.EqualTo(((DateTimeOffset?)null, 0L, (double?)null, 0)));
    }
}
