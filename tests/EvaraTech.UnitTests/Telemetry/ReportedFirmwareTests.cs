using EvaraTech.Modules.Telemetry.Domain.Ingestion;

namespace EvaraTech.UnitTests.Telemetry;

public sealed class ReportedFirmwareTests
{
    [TestCase("fw=1.4.2", "1.4.2")]
    [TestCase("FW:2.0.0-rc1", "2.0.0-rc1")]
    [TestCase("ok; fw = 3.1.0+build.7, batt=3.7", "3.1.0+build.7")]
    [TestCase("boot|fw=v1_2", "v1_2")]
    [TestCase("pump on", null)]
    [TestCase("nofw=1.0", null)]
    [TestCase("fw=", null)]
    [TestCase("fw=<script>", null)]
    public void A_status_reports_the_version_after_fw(string status, string? expected) =>
        Assert.That(ReportedFirmware.Of(Entry((ReportedFirmware.Status, status))), Is.EqualTo(expected));

    [Test]
    public void A_firmware_member_wins_over_the_status() =>
        Assert.That(ReportedFirmware.Of(Entry((ReportedFirmware.Field, " 1.5.0 "), (ReportedFirmware.Status, "fw=1.4.2"))), Is.EqualTo("1.5.0"));

    [TestCase("<b>1.0</b>")]
    [TestCase("1.0 beta")]
    public void A_firmware_member_that_is_not_a_version_reports_nothing(string firmware) =>
        Assert.That(ReportedFirmware.Of(Entry((ReportedFirmware.Field, firmware), (ReportedFirmware.Status, "fw=1.4.2"))), Is.Null);

    [Test]
    public void A_version_longer_than_50_is_not_one() =>
        Assert.That(ReportedFirmware.Of(Entry((ReportedFirmware.Status, "fw=" + new string('1', 51)))), Is.Null);

    private static RawEntry Entry(params (string Name, string? Value)[] fields) =>
        new(DateTimeOffset.UtcNow, 1, fields.ToDictionary(f => f.Name, f => f.Value));
}
