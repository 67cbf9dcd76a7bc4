namespace EvaraTech.FaultTests;

/// <summary>
/// The platform's two promises under faults: an acknowledged reading is never lost (nor stored twice), and an alert is
/// raised exactly once and told once, under one idempotency key that only a killed sender may send again; and it
/// recovers by itself. <c>./build.sh test</c> runs the short run,
/// <c>./build.sh faults</c> the full one; both print the table that docs/RELIABILITY.md keeps.
/// </summary>
public sealed class FaultRunTests
{
    [Test]
    [CancelAfter(20 * 60 * 1000)]
    public async Task Through_every_fault_nothing_acknowledged_is_lost_nothing_is_raised_or_told_twice_and_the_platform_recovers()
    {
        var settings = FaultRunSettings.FromEnvironment();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = await new FaultRun(settings, line => TestContext.Progress.WriteLine($"[{clock.Elapsed:mm\\:ss}] {line}")).RunAsync();

        var table = $"{FaultRun.Header}{Environment.NewLine}{string.Join(Environment.NewLine, rows.Select(FaultRun.Format))}";
        TestContext.Progress.WriteLine($"fault run ({settings.Name}):{Environment.NewLine}{table}");
        var report = Path.Combine(TestSupport.Checkout.Root, "artifacts", $"faults-{settings.Name}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, table + Environment.NewLine);

        Assert.Multiple(() =>
        {
            foreach (var row in rows)
            {
                var c = row.Counts;
                Assert.That((c.Lost, c.PolledLost, c.StoredTwice, c.AlertsTwice, c.AlertsMissed, c.WebhooksNotOnce), Is.EqualTo((0, 0, 0, 0, 0, 0)),
                    $"{row.Fault}: lost, polled lost, stored twice, alerts twice, alerts missed, webhooks not told once");
                // A sender killed between the receiver's answer and its own commit cannot know it was sent: that
                // delivery alone goes again, with the same key, at most once per kill.
                Assert.That(c.MostReceipts, Is.AtMost(1 + row.Kills), $"{row.Fault}: one delivery received more often than a crash explains");
                Assert.That((row.OtherServerErrors, row.Refused), Is.EqualTo((0, 0)), $"{row.Fault}: 5xx other than 503 with Retry-After; refused readings");
                Assert.That(row.ReadySeconds, Is.InRange(0, 60), $"{row.Fault}: ready again");
                Assert.That(row.PollingSeconds, Is.InRange(0, 90), $"{row.Fault}: polling again");
                Assert.That(row.SettledSeconds, Is.Not.Negative, $"{row.Fault}: every event delivered and notification sent within 3 minutes");
                Assert.That(c.Acknowledged, Is.Positive, $"{row.Fault}: devices were heard");
                Assert.That(c.PolledEntries, Is.Positive, $"{row.Fault}: feeds were polled");
                Assert.That(c.Alerts, Is.Positive, $"{row.Fault}: alerts were raised");
            }
        });
    }
}
