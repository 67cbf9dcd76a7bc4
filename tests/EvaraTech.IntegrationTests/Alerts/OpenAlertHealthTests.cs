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

    /// <summary>
    /// A hand resolving one rule's alert races evaluations raising others on the same node, several times over: however
    /// they interleave, the count the health score uses is the number of alerts open when the dust settles.
    /// </summary>
    [Test]
    public async Task A_resolution_racing_raises_on_one_node_leaves_the_true_count()
    {
        var low = await AlertRuleBuilder.ForEvery(World.Distributor1, "EvaraTank").Named("low").Cooldown(0).InsertAsync(Database);
        foreach (var threshold in new[] { 45, 40 })
        {
            await AlertRuleBuilder.ForEvery(World.Distributor1, "EvaraTank").Named($"below {threshold}").Below(threshold).Cooldown(0).InsertAsync(Database);
        }

        Platform.Api.Services.GetRequiredService<AlertRulesCache>().Invalidate(World.Distributor1);
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var mismatches = new List<string>();
        for (var round = 0; round < 5; round++)
        {
            // Above 45 and 40 (their alerts resolve), below 50: only "low" is open when the race starts.
            await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (47, at = at.AddMinutes(1)));
            var open = await Database.ScalarAsync<Guid>("SELECT id FROM alerts.alert_history WHERE rule_id = @r AND resolved_at IS NULL", ("r", low));

            await Task.WhenAll(
                distributor.PostAsync($"/api/v1/alerts/{open}/resolve", null),
                AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (30, at = at.AddMinutes(1))),
                AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (35, at = at.AddMinutes(1))));

            var counts = await Database.ScalarAsync<string>("""
                SELECT (SELECT open_alerts FROM telemetry.device_states WHERE node_id = @n) || '/'
                       || (SELECT count(*) FROM alerts.alert_history WHERE node_id = @n AND resolved_at IS NULL)
                """, ("n", _scenario.Tank1));
            if (counts!.Split('/') is [var kept, var actual] && kept != actual)
            {
                mismatches.Add($"round {round}: {counts}");
            }
        }

        Assert.That(mismatches, Is.Empty, "kept / actually open");
    }

    private async Task<(string? Basis, double Score)> AlertsPartAsync(HttpClient client)
    {
        var health = (await (await client.GetAsync($"/api/v1/nodes/{_scenario.Tank1}/health")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var part = health.GetProperty("parts").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "alerts");
        return (part.GetProperty("basis").GetString(), part.GetProperty("score").GetDouble());
    }
}
