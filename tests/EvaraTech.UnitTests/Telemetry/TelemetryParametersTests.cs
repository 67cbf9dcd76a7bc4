using EvaraTech.Application.Queries;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Telemetry.Application.ExportTelemetry;
using EvaraTech.Modules.Telemetry.Application.GetSeries;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class TelemetryParametersTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [TestCase("2025-06-01T10:00:00Z", "2025-06-01T10:00:00Z")]
    [TestCase("2025-06-01T10:00Z", "2025-06-01T10:00:00Z")]
    [TestCase("2025-06-01T10:00:00.25Z", "2025-06-01T10:00:00.25Z")]
    [TestCase("2025-06-01T15:30:00+05:30", "2025-06-01T10:00:00Z")]
    [TestCase("2025-06-01T10:00:00", "2025-06-01T10:00:00Z")]
    [TestCase("2025-06-01", "2025-06-01T00:00:00Z")]
    public void ISO_8601_timestamps_are_read_as_UTC_unless_they_carry_an_offset(string value, string expected) =>
        Assert.That(TimeRangeParameters.Parse(value), Is.EqualTo(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));

    [TestCase("yesterday")]
    [TestCase("01/06/2025")]
    [TestCase("2025-06-01 10:00")]
    [TestCase("2025-13-01T00:00:00Z")]
    [TestCase("1717236000")]
    [TestCase("")]
    public void Anything_else_is_malformed(string value) => Assert.That(TimeRangeParameters.Parse(value), Is.Null);

    [Test]
    public void The_range_defaults_to_the_24_hours_before_now_or_before_to() => Assert.Multiple(() =>
    {
        Assert.That(TimeRangeParameters.Resolve(null, null, Now), Is.EqualTo(new TimeRange(Now.AddHours(-24), Now)));
        Assert.That(TimeRangeParameters.Resolve(null, "2025-05-01T00:00:00Z", Now),
            Is.EqualTo(new TimeRange(new DateTimeOffset(2025, 4, 30, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 5, 1, 0, 0, 0, TimeSpan.Zero))));
        Assert.That(TimeRangeParameters.Resolve("nonsense", null, Now), Is.Null);
    });

    [Test]
    public void A_cursor_reads_back_its_position_for_its_own_node_only()
    {
        var node = Guid.NewGuid();
        var at = new DateTimeOffset(2025, 6, 1, 10, 0, 0, 123, TimeSpan.Zero).AddTicks(4560);

        var cursor = SeriesCursor.After(node, at);

        Assert.Multiple(() =>
        {
            Assert.That(SeriesCursor.Read(cursor, node), Is.EqualTo(at));
            Assert.That(SeriesCursor.Read(cursor, Guid.NewGuid()), Is.Null);
            Assert.That(SeriesCursor.Read(cursor + "A", node), Is.Null);
            Assert.That(SeriesCursor.Read("not a cursor!", node), Is.Null);
            Assert.That(cursor, Does.Match("^[A-Za-z0-9_-]+$"), "URL-safe");
        });
    }

    [TestCase("plain", "plain")]
    [TestCase("a,b", "\"a,b\"")]
    [TestCase("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [TestCase("two\r\nlines", "\"two\r\nlines\"")]
    public void Csv_fields_are_quoted_as_RFC_4180_asks(string value, string expected) => Assert.That(Csv.Field(value), Is.EqualTo(expected));

    [Test]
    public void Csv_values_are_invariant_and_timestamps_UTC_ISO_8601() => Assert.Multiple(() =>
    {
        Assert.That(Csv.Field(1.1f), Is.EqualTo("1.1"));
        Assert.That(Csv.Field(1234.5), Is.EqualTo("1234.5"));
        Assert.That(Csv.Field((short)-85), Is.EqualTo("-85"));
        Assert.That(Csv.Field(true), Is.EqualTo("true"));
        Assert.That(Csv.Timestamp(new DateTimeOffset(2025, 6, 1, 15, 30, 0, TimeSpan.FromHours(5.5))), Is.EqualTo("2025-06-01T10:00:00Z"));
        Assert.That(Csv.Timestamp(new DateTimeOffset(2025, 6, 1, 10, 0, 0, 250, TimeSpan.Zero)), Is.EqualTo("2025-06-01T10:00:00.25Z"));
    });
}
