using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class DeviceTimestampsTests
{
    [TestCase("2026-11-24 10:00:00", "America/New_York", "2026-11-24T15:00:00Z")]
    [TestCase("2026-11-24T10:00:00", "Asia/Kolkata", "2026-11-24T04:30:00Z")]
    [TestCase("2026-11-24 10:00:00", "Asia/Kathmandu", "2026-11-24T04:15:00Z")]
    [TestCase("2026-07-01 10:00:00", "America/New_York", "2026-07-01T14:00:00Z")]
    public void A_time_without_an_offset_is_local_to_the_requests_timezone(string text, string zone, string expected)
    {
        Assert.That(DeviceTimestamps.TryParse(text, DeviceTimestamps.Zone(zone), out var at), Is.True);
        Assert.That(at, Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("2026-11-24T10:00:00Z", "2026-11-24T10:00:00Z")]
    [TestCase("2026-11-24T10:00:00+05:30", "2026-11-24T04:30:00Z")]
    [TestCase("2026-11-24 10:00:00 -0500", "2026-11-24T15:00:00Z")]
    [TestCase("2026-11-24 10:26:2 -0500", "2026-11-24T15:26:02Z")]
    [TestCase("1795514400", "2026-11-24T10:00:00Z")]
    public void An_explicit_offset_or_epoch_wins_over_the_timezone(string text, string expected)
    {
        Assert.That(DeviceTimestamps.TryParse(text, DeviceTimestamps.Zone("Asia/Kolkata"), out var at), Is.True);
        Assert.That(at, Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Without_a_timezone_a_time_without_an_offset_is_utc()
    {
        Assert.That(DeviceTimestamps.TryParse("2026-11-24 10:00:00", null, out var at), Is.True);
        Assert.That(at, Is.EqualTo(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero)));
    }

    [TestCase("2026-11-24T10:00:00+5:30", "2026-11-24T04:30:00Z")]
    public void Offsets_in_other_spellings_are_still_the_instant_they_name(string text, string expected)
    {
        Assert.That(DeviceTimestamps.TryParse(text, DeviceTimestamps.Zone("America/New_York"), out var at), Is.True);
        Assert.That(at, Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestCase("9999-12-31 23:00:00", "America/New_York")]
    [TestCase("0001-01-01 00:30:00", "Asia/Kolkata")]
    public void A_time_its_zone_pushes_off_the_calendar_is_unreadable_not_an_error(string text, string zone) =>
        Assert.That(DeviceTimestamps.TryParse(text, DeviceTimestamps.Zone(zone), out _), Is.False);

    [TestCase("Mars/Olympus_Mons")]
    [TestCase("")]
    public void An_unknown_timezone_is_no_zone(string zone) => Assert.That(DeviceTimestamps.Zone(zone), Is.Null);
}
