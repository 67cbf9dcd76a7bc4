using System.Net;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// A node's health score counts its open alerts as the Alerts module raises and closes them: raised by evaluation,
/// closed by hand, gone with a deleted rule; acknowledged ones stay open until resolved.
/// </summary>
public sealed class OpenAlertHealthTests : TenantWorldTest
{
    private AlertScenario _scenario = null!;

    [SetUp]
    public async Task ArrangeAsync() => _scenario = await AlertScenario.ArrangeAsync(Database, World);

    [Test]
    public async Task Open_alerts_in_the_health_score_follow_raise_acknowledge_resolve_and_rule_deletion()
    {
        var low = await AlertRuleBuilder.ForEvery(World.Distributor1, "EvaraTank").Named("low").Cooldown(0).InsertAsync(Database);
        var veryLow = await AlertRuleBuilder.ForEvery(World.Distributor1, "EvaraTank").Named("very low").Below(40).Cooldown(0).InsertAsync(Database);
        Platform.Api.Services.GetRequiredService<AlertRulesCache>().Invalidate(World.Distributor1);
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));

        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (30, DateTimeOffset.UtcNow.AddMinutes(-2)));
        var raised = await AlertsPartAsync(distributor);
        var alert = await Database.ScalarAsync<Guid>("SELECT id FROM alerts.alert_history WHERE rule_id = @r", ("r", low));
        (await distributor.PostAsync($"/api/v1/alerts/{alert}/acknowledge", null)).EnsureSuccessStatusCode();
        var acknowledged = await AlertsPartAsync(distributor);
        (await distributor.PostAsync($"/api/v1/alerts/{alert}/resolve", null)).EnsureSuccessStatusCode();
        var resolved = await AlertsPartAsync(distributor);
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/alert-rules/{veryLow}"))
        {
            delete.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
            Assert.That((await distributor.SendAsync(delete)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        }

        var ruleDeleted = await AlertsPartAsync(distributor);

        Assert.Multiple(() =>
        {
            Assert.That(raised, Is.EqualTo(("2 open", 0.0)));
            Assert.That(acknowledged, Is.EqualTo(("2 open", 0.0)), "acknowledged is still open");
            Assert.That(resolved, Is.EqualTo(("1 open", 0.5)));
            Assert.That(ruleDeleted, Is.EqualTo(("0 open", 1.0)), "the deleted rule's alert went with it");
        });
    }

    /// <summary>Two evaluations of one node at once each raise their rule's alert; neither count is lost.</summary>
    [Test]
    public async Task Alerts_raised_at_once_on_one_node_are_all_counted()
    {
        foreach (var threshold in new[] { 50, 45, 40, 35 })
        {
            await AlertRuleBuilder.ForEvery(World.Distributor1, "EvaraTank").Named($"below {threshold}").Below(threshold).Cooldown(0).InsertAsync(Database);
        }

        Platform.Api.Services.GetRequiredService<AlertRulesCache>().Invalidate(World.Distributor1);
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (30, at.AddSeconds(i)))));

        Assert.That(await Database.ScalarAsync<int>("SELECT open_alerts FROM telemetry.device_states WHERE node_id = @n", ("n", _scenario.Tank1)),
            Is.EqualTo(4));
    }

    private async Task<(string? Basis, double Score)> AlertsPartAsync(HttpClient client)
    {
        var health = (await (await client.GetAsync($"/api/v1/nodes/{_scenario.Tank1}/health")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var part = health.GetProperty("parts").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "alerts");
        return (part.GetProperty("basis").GetString(), part.GetProperty("score").GetDouble());
    }
}
