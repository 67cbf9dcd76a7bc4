using System.Net;
using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Realtime;
using EvaraTech.Modules.Reporting.Jobs;
using EvaraTech.Modules.Telemetry.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Reporting;

/// <summary>
/// The dashboard's figures per scope from the refreshed view: each caller sees its own nodes, alerts, health and
/// readings, 304 until the next refresh, and live dashboards hear of each refresh.
/// </summary>
public sealed class DashboardStatsTests : TenantWorldTest
{
    [Test]
    public async Task Each_scope_sees_its_own_figures_and_304_until_the_next_refresh()
    {
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        await Database.ExecuteAsync("""
            UPDATE nodes.node_operational_state SET status = 'Alert' WHERE node_id = @t1;
            UPDATE nodes.node_operational_state SET status = 'Online' WHERE node_id = @t2;
            """, ("t1", scenario.Tank1), ("t2", scenario.Tank2));
        await TelemetryRows.DeviceStateAsync(Database, scenario.Tank1, "tank", readings24h: 96, batteryVoltage: 4.0, rssiDbm: -70);
        var rule = await AlertRuleBuilder.ForNode(World.Distributor1, scenario.Tank1).Severity("critical").InsertAsync(Database);
        await new AlertBuilder(rule, scenario.Tank1, World.Distributor1).Severity("critical").InsertAsync(Database);
        await using var listener = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser2);

        await Platform.Api.Services.GetRequiredService<HealthScoreRefresh>().RunAsync(CancellationToken.None);
        await Platform.Api.Services.GetRequiredService<DashboardRefresh>().RunAsync(CancellationToken.None);
        using var customer1 = ClientWith(Tokens.For(World.CustomerUser1));
        var first = await customer1.GetAsync("/api/v1/dashboard/stats");
        var stats = (await first.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        using var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard/stats");
        again.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var unchanged = await customer1.SendAsync(again);
        using var customer2 = ClientWith(Tokens.For(World.CustomerUser2));
        var other = (await (await customer2.GetAsync("/api/v1/dashboard/stats")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        var all = (await (await superadmin.GetAsync("/api/v1/dashboard/stats")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        await HubClient.EventuallyAsync(() => !listener.Dashboards.IsEmpty, "the refresh heard by a live dashboard");

        Assert.Multiple(() =>
        {
            Assert.That(stats.GetProperty("nodes").GetProperty("total").GetInt64(), Is.EqualTo(1));
            Assert.That(stats.GetProperty("nodes").GetProperty("alert").GetInt64(), Is.EqualTo(1));
            Assert.That(stats.GetProperty("activeAlerts").GetProperty("critical").GetInt64(), Is.EqualTo(1));
            Assert.That(stats.GetProperty("health").GetProperty("good").GetInt64(), Is.EqualTo(1));
            Assert.That(stats.GetProperty("readings24h").GetInt64(), Is.EqualTo(96));
            Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(other.GetProperty("nodes").GetProperty("online").GetInt64(), Is.EqualTo(1));
            Assert.That(other.GetProperty("activeAlerts").GetProperty("critical").GetInt64(), Is.Zero, "customer 1's alert is not customer 2's");
            Assert.That(other.GetProperty("health").GetProperty("unknown").GetInt64(), Is.EqualTo(1), "tank 2 has no reading yet");
            Assert.That(all.GetProperty("nodes").GetProperty("total").GetInt64(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_scope_without_nodes_gets_zeros_and_a_new_refresh_changes_the_etag()
    {
        await Platform.Api.Services.GetRequiredService<DashboardRefresh>().RunAsync(CancellationToken.None);
        using var distributor2 = ClientWith(Tokens.For(World.DistributorUser2));
        var before = await distributor2.GetAsync("/api/v1/dashboard/stats");
        var empty = (await before.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        await AlertScenario.ArrangeAsync(Database, World);
        await Platform.Api.Services.GetRequiredService<DashboardRefresh>().RunAsync(CancellationToken.None);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dashboard/stats");
        request.Headers.IfNoneMatch.Add(before.Headers.ETag!);
        var after = await distributor2.SendAsync(request);

        Assert.That(empty.GetProperty("nodes").GetProperty("total").GetInt64(), Is.Zero);
        Assert.That((await after.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("nodes").GetProperty("total").GetInt64(), Is.EqualTo(1));
    }
}
