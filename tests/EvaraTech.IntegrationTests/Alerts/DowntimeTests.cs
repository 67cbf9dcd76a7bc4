using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Nodes.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// Offline detection and SLA uptime: a node silent for its missed-interval allowance goes Offline and an outage is
/// opened; its data returning brings it Online and closes the outage; uptime over a period clips outages at its edges.
/// </summary>
public sealed class DowntimeTests : TenantWorldTest
{
    private AlertScenario _scenario = null!;

    [SetUp]
    public async Task ArrangeAsync() => _scenario = await AlertScenario.ArrangeAsync(Database, World);

    [Test]
    public async Task A_silent_node_goes_offline_with_an_outage_that_its_returning_data_closes()
    {
        // Both silent for 10 minutes: over tank 1's allowance (5 × 60 s), within tank 2's (5 × 600 s).
        await Database.ExecuteAsync("""
            UPDATE nodes.node_operational_state SET status = 'Online', last_seen = now() - interval '10 minutes' WHERE node_id IN (@t1, @t2);
            """, ("t1", _scenario.Tank1), ("t2", _scenario.Tank2));
        await NodeBuilder.Existing(_scenario.Tank1).WithChannel(3100001, reportingIntervalSeconds: 60).InsertAsync(Database);
        await NodeBuilder.Existing(_scenario.Tank2).WithChannel(3100002, reportingIntervalSeconds: 600).InsertAsync(Database);
        var detection = Platform.Api.Services.GetRequiredService<OfflineDetection>();

        var marked = await detection.RunAsync(CancellationToken.None);
        var markedAgain = await detection.RunAsync(CancellationToken.None);
        await HandledAsync();
        var whileOut = await StateAsync();
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (200, DateTimeOffset.UtcNow));

        Assert.Multiple(async () =>
        {
            Assert.That((marked, markedAgain), Is.EqualTo((1, 0)));
            Assert.That(whileOut, Is.EqualTo("Offline Online | open"));
            Assert.That(await StateAsync(), Is.EqualTo("Online Online | closed"));
            Assert.That(await Database.ScalarAsync<bool>(
                "SELECT downtime_duration_seconds >= 0 AND downtime_end >= downtime_start FROM alerts.device_downtime WHERE node_id = @t1", ("t1", _scenario.Tank1)),
                Is.True);
        });
    }

    [Test]
    public async Task Uptime_over_a_period_that_cuts_outages_in_two_counts_only_their_inside_parts()
    {
        // 22:00–02:00 straddles the start (2 h inside), 23:00–01:00 the end (1 h inside); another node's outage is not ours.
        // Both nodes have reported since October.
        await Database.ExecuteAsync("UPDATE nodes.node_operational_state SET first_seen = '2026-10-01T00:00:00Z' WHERE node_id IN (@t1, @t2)",
            ("t1", _scenario.Tank1), ("t2", _scenario.Tank2));
        await AlertRows.DowntimeAsync(Database, _scenario.Tank1, At("2026-11-01T22:00:00Z"), At("2026-11-02T02:00:00Z"));
        await AlertRows.DowntimeAsync(Database, _scenario.Tank1, At("2026-11-02T23:00:00Z"), At("2026-11-03T01:00:00Z"));
        await AlertRows.DowntimeAsync(Database, _scenario.Tank2, At("2026-11-02T03:00:00Z"), null);
        using var customer = ClientWith(Tokens.For(World.CustomerUser1));
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        const string Period = "from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z";

        var uptime = (await (await customer.GetAsync($"/api/v1/nodes/{_scenario.Tank1}/uptime?{Period}")).ReadEnvelopeAsync(HttpStatusCode.OK))
            .GetProperty("data").GetProperty("uptime");
        var report = (await (await distributor.GetAsync($"/api/v1/reports/uptime?{Period}")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var badPeriod = await customer.GetAsync($"/api/v1/nodes/{_scenario.Tank1}/uptime?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z");

        Assert.Multiple(async () =>
        {
            Assert.That(uptime.GetProperty("observedSeconds").GetInt64(), Is.EqualTo(86400));
            Assert.That(uptime.GetProperty("downtimeSeconds").GetInt64(), Is.EqualTo(3 * 3600));
            Assert.That(uptime.GetProperty("uptimePercent").GetDouble(), Is.EqualTo(87.5));
            Assert.That(uptime.GetProperty("outages").EnumerateArray().Select(o => (o.GetProperty("start").GetDateTimeOffset(), o.GetProperty("end").GetDateTimeOffset())),
                Is.EqualTo(new[]
                {
                    (DateTimeOffset.Parse("2026-11-02T00:00:00Z"), DateTimeOffset.Parse("2026-11-02T02:00:00Z")),
                    (DateTimeOffset.Parse("2026-11-02T23:00:00Z"), DateTimeOffset.Parse("2026-11-03T00:00:00Z")),
                }));
            Assert.That(report.EnumerateArray().Select(l => (l.GetProperty("nodeId").GetGuid(), l.GetProperty("uptimePercent").GetDouble())),
                Is.EqualTo(new[] { (_scenario.Tank1, 87.5) }), "distributor 1 sees its own node only");
            Assert.That((await badPeriod.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single().Field(), Is.EqualTo("from"));
        });
    }

    [Test]
    public async Task The_uptime_report_as_CSV_holds_every_node_in_scope_with_typed_labels_kept_from_spreadsheets()
    {
        await Database.ExecuteAsync("UPDATE nodes.node_operational_state SET first_seen = '2026-10-01T00:00:00Z' WHERE node_id IN (@t1, @t2)",
            ("t1", _scenario.Tank1), ("t2", _scenario.Tank2));
        await Database.ExecuteAsync("UPDATE nodes.nodes SET label = '=HYPERLINK(\"x\")' WHERE id = @t1", ("t1", _scenario.Tank1));
        await AlertRows.DowntimeAsync(Database, _scenario.Tank1, At("2026-11-02T00:00:00Z"), At("2026-11-02T06:00:00Z"));
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));

        using var response = await distributor.GetAsync("/api/v1/reports/uptime/export?from=2026-11-02T00:00:00Z&to=2026-11-03T00:00:00Z");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        using var backwards = await distributor.GetAsync("/api/v1/reports/uptime/export?from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
            Assert.That(response.Content.Headers.ContentDisposition?.FileName, Does.Contain("uptime-20261102T000000Z-20261103T000000Z.csv"));
            Assert.That(lines, Has.Length.EqualTo(2), "distributor 1's one node, after the header");
            Assert.That(lines[0], Is.EqualTo("node_id,node_key,label,from,to,observed_seconds,downtime_seconds,uptime_percent,outages"));
            Assert.That(lines[1], Does.StartWith(_scenario.Tank1.ToString()));
            Assert.That(lines[1], Does.Contain(",\"'=HYPERLINK(\"\"x\"\")\","), "a label is never a formula");
            Assert.That(lines[1], Does.EndWith(",2026-11-02T00:00:00Z,2026-11-03T00:00:00Z,86400,21600,75,1"));
            Assert.That((await backwards.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single().Field(), Is.EqualTo("from"));
        });
    }

    /// <summary>
    /// Before a node reports it is not down, nor up: tank 1's first reading, stored two hours ago, starts its record; tank
    /// 2, created with this test and silent since, is observed from its creation.
    /// </summary>
    [Test]
    public async Task Uptime_observes_a_node_from_its_first_reading_or_else_its_creation()
    {
        var now = DateTimeOffset.UtcNow;
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (200, now.AddHours(-2)), (201, now.AddHours(-1)));
        using var distributor1 = ClientWith(Tokens.For(World.DistributorUser1));
        using var distributor2 = ClientWith(Tokens.For(World.DistributorUser2));
        var period = $"from={now.AddDays(-30):yyyy-MM-ddTHH:mm:ssZ}&to={now.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}";

        var tank1 = (await (await distributor1.GetAsync($"/api/v1/nodes/{_scenario.Tank1}/uptime?{period}")).ReadEnvelopeAsync(HttpStatusCode.OK))
            .GetProperty("data").GetProperty("uptime");
        var report2 = (await (await distributor2.GetAsync($"/api/v1/reports/uptime?{period}")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").EnumerateArray().Single();

        Assert.Multiple(() =>
        {
            Assert.That(tank1.GetProperty("observedFrom").GetDateTimeOffset(), Is.EqualTo(now.AddHours(-2)).Within(TimeSpan.FromMilliseconds(1)));
            Assert.That(tank1.GetProperty("observedSeconds").GetInt64(), Is.InRange(7200, 7200 + 120));
            Assert.That(report2.GetProperty("nodeId").GetGuid(), Is.EqualTo(_scenario.Tank2));
            Assert.That(report2.GetProperty("observedSeconds").GetInt64(), Is.InRange(0, 600), "tank 2 exists since this test began, not for 30 days");
        });
    }

    [Test]
    public async Task A_channel_states_how_often_its_device_reports_within_limits()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        async Task<HttpResponseMessage> ConfigureAsync(int interval, string version)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/nodes/{_scenario.Tank1}/channel")
            {
                Content = JsonContent.Create(new { channelId = 3100003, reportingIntervalSeconds = interval }),
            };
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(version));
            return await client.SendAsync(request);
        }

        var tooOften = await ConfigureAsync(5, "\"1\"");
        var fiveMinutes = await ConfigureAsync(300, "\"1\"");

        Assert.That((await tooOften.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single().Field(), Is.EqualTo("reportingIntervalSeconds"));
        Assert.That((await fiveMinutes.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("channel").GetProperty("reportingIntervalSeconds").GetInt32(),
            Is.EqualTo(300));
    }

    private Task<string?> StateAsync() => Database.ScalarAsync<string>("""
        SELECT (SELECT string_agg(status, ' ' ORDER BY node_id = @t2) FROM nodes.node_operational_state WHERE node_id IN (@t1, @t2))
               || ' | ' || (SELECT string_agg(CASE WHEN downtime_end IS NULL THEN 'open' ELSE 'closed' END, ',') FROM alerts.device_downtime)
        """, ("t1", _scenario.Tank1), ("t2", _scenario.Tank2));

    private static DateTimeOffset At(string utc) => DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture);
}
