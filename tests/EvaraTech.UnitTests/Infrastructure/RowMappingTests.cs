using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.UnitTests.Infrastructure;

public sealed class RowMappingTests
{
    private sealed record CalibrationRow(Guid NodeId, string Metric, string Kind, string ParametersJson, DateTime ValidFrom, DateTime? ValidUntil);

    private sealed record Narrow(string Metric);

    [Test]
    public void A_row_becomes_a_record_through_its_constructor_with_its_times_in_utc()
    {
        var from = new DateTime(2026, 12, 1, 6, 30, 0, DateTimeKind.Unspecified);
        var row = new CalibrationRow(Guid.NewGuid(), "level_cm", "linear", "{}", from, from.AddDays(2));

        var calibration = row.MapTo<MetricCalibration>();

        Assert.That(calibration, Is.EqualTo(new MetricCalibration("level_cm", "linear", "{}",
            new DateTimeOffset(2026, 12, 1, 6, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 3, 6, 30, 0, TimeSpan.Zero))));
    }

    [Test]
    public void A_missing_time_stays_missing()
    {
        var row = new CalibrationRow(Guid.NewGuid(), "level_cm", "linear", "{}", DateTime.UtcNow, null);

        Assert.That(row.MapTo<MetricCalibration>().ValidUntil, Is.Null);
    }

    [Test]
    public void A_result_member_the_row_lacks_is_refused_rather_than_left_empty() =>
        Assert.That(() => new Narrow("level_cm").MapTo<MetricCalibration>(), Throws.Exception);
}
