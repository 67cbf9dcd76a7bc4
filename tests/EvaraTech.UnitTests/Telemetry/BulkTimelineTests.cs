using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class BulkTimelineTests
{
    private static readonly DateTimeOffset Request = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string?> NoFields = [];

    [Test]
    public void Relative_entries_alone_end_at_the_request_and_step_back_by_their_successors_delta()
    {
        BulkEntry[] entries = [new(null, 0, NoFields), new(null, 30, NoFields), new(null, 60, NoFields)];

        Assert.That(BulkTimeline.Place(entries, Request), Is.EqualTo(new[] { Request.AddSeconds(-90), Request.AddSeconds(-60), Request }));
    }

    [Test]
    public void A_relative_entry_follows_the_entry_before_it()
    {
        BulkEntry[] entries = [new("2026-11-24T08:00:00Z", null, NoFields), new(null, 15, NoFields), new("1795507200", null, NoFields)];

        Assert.That(BulkTimeline.Place(entries, Request), Is.EqualTo(new[]
        {
            new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 11, 24, 8, 0, 15, TimeSpan.Zero),
            DateTimeOffset.FromUnixTimeSeconds(1_795_507_200),
        }));
    }

    [Test]
    public void A_relative_first_entry_before_absolute_ones_is_a_problem()
    {
        Assert.That(BulkTimeline.Problem([new(null, 5, NoFields), new("2026-11-24T08:00:00Z", null, NoFields)]), Is.Not.Null);
        Assert.That(BulkTimeline.Problem([new("2026-11-24T08:00:00Z", null, NoFields), new(null, 5, NoFields)]), Is.Null);
    }

    [TestCase("2026-11-24T08:00:00Z", "2026-11-24T08:00:00.0000000+00:00")]
    [TestCase("2026-11-24 08:00:00", "2026-11-24T08:00:00.0000000+00:00")]
    [TestCase("2026-11-24T10:00:00+02:00", "2026-11-24T10:00:00.0000000+02:00")]
    [TestCase("1795507200", "2026-11-24T08:00:00.0000000+00:00")]
    public void Device_times_parse_in_thingspeaks_formats(string text, string expected)
    {
        Assert.That(DeviceTimestamps.TryParse(text, out var at), Is.True);
        Assert.That(at.ToString("O"), Is.EqualTo(expected));
    }

    [TestCase("yesterday")]
    [TestCase("")]
    [TestCase("99999999999999")]
    public void Other_device_times_do_not_parse(string text) => Assert.That(DeviceTimestamps.TryParse(text, out _), Is.False);
}
