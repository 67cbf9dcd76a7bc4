using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// The rules API: created, read, replaced (If-Match) and deleted under the caller's scope, validated field by field,
/// and seen by evaluation from the very next batch (the rule cache is dropped when a change commits).
/// </summary>
public sealed class AlertRuleApiTests : TenantWorldTest
{
    private AlertScenario _scenario = null!;

    [SetUp]
    public async Task ArrangeAsync() => _scenario = await AlertScenario.ArrangeAsync(Database, World);

    private object LowLevel(double threshold = 50) => new
    {
        name = "Tank low", nodeId = _scenario.Tank1, metric = "water_level_cm", @operator = "<", threshold, severity = "critical", cooldownMinutes = 0,
    };

    [Test]
    public async Task A_rule_applies_from_the_next_batch_and_a_replaced_rule_too()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var now = DateTimeOffset.UtcNow;

        var created = await client.PostAsJsonAsync("/api/v1/alert-rules", LowLevel());
        var rule = (await created.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data");
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (20, now.AddMinutes(-3)));
        var afterBreach = await AlertsAsync();

        var path = $"/api/v1/alert-rules/{rule.GetProperty("id")}";
        await client.GetAsync(path);
        var repeated = (await (await client.GetAsync(path)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("meta").GetProperty("cached").GetBoolean();
        using var replace = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/alert-rules/{rule.GetProperty("id")}") { Content = JsonContent.Create(LowLevel(10)) };
        replace.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\""));
        var replaced = await client.SendAsync(replace);
        await replaced.ReadEnvelopeAsync(HttpStatusCode.OK);
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (20, now.AddMinutes(-2)));
        var afterReplace = await (await client.GetAsync(path)).ReadEnvelopeAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(created.Headers.ETag?.Tag, Is.EqualTo("\"1\""));
            Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/alert-rules/{rule.GetProperty("id")}"));
            Assert.That(rule.GetProperty("distributorId").GetGuid(), Is.EqualTo(World.Distributor1), "a node rule belongs to the node's distributor");
            Assert.That(afterBreach, Is.EqualTo("triggered"), "the new rule applied to the next batch");
            Assert.That(replaced.Headers.ETag?.Tag, Is.EqualTo("\"2\""));
            Assert.That(repeated, Is.True, "a repeated read is served from the read cache");
            Assert.That((afterReplace.GetProperty("data").GetProperty("threshold").GetDouble(), afterReplace.GetProperty("meta").GetProperty("cached").GetBoolean()),
                Is.EqualTo((10.0, false)), "the replaced rule is read fresh");
        });
        Assert.That(await AlertsAsync(), Is.EqualTo("resolved"), "20 cm is no longer under the replaced threshold of 10");
    }

    [Test]
    public async Task Invalid_rules_name_each_field()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        async Task<(HttpStatusCode, string[])> PostAsync(object body)
        {
            var response = await client.PostAsJsonAsync("/api/v1/alert-rules", body);
            var envelope = await response.ReadEnvelopeAsync(response.StatusCode);
            return (response.StatusCode, [.. envelope.Errors().Select(e => e.Field() ?? "")]);
        }

        var empty = await PostAsync(new { nodeId = _scenario.Tank1 });
        var bothTargets = await PostAsync(new
        {
            name = "R", nodeId = _scenario.Tank1, selector = new { analyticsType = "EvaraTank" }, metric = "water_level_cm", @operator = "<", threshold = 1,
            severity = "info",
        });
        var unknownMetric = await PostAsync(new { name = "R", nodeId = _scenario.Tank1, metric = "flow_rate_lpm", @operator = "<", threshold = 1, severity = "info" });
        var bandWithoutUpper = await PostAsync(new { name = "R", nodeId = _scenario.Tank1, metric = "water_level_cm", @operator = "outside", threshold = 1, severity = "info" });
        var clearOnWrongSide = await PostAsync(new
        {
            name = "R", nodeId = _scenario.Tank1, metric = "water_level_cm", @operator = "<", threshold = 50, clearThreshold = 40, severity = "info",
        });
        var otherTenantsNode = await PostAsync(new { name = "R", nodeId = _scenario.Tank2, metric = "water_level_cm", @operator = "<", threshold = 1, severity = "info" });

        Assert.Multiple(() =>
        {
            Assert.That(empty, Is.EqualTo((HttpStatusCode.BadRequest, new[] { "name", "metric", "operator", "threshold", "severity" })));
            Assert.That(bothTargets, Is.EqualTo((HttpStatusCode.UnprocessableEntity, new[] { "nodeId" })));
            Assert.That(unknownMetric, Is.EqualTo((HttpStatusCode.UnprocessableEntity, new[] { "metric" })));
            Assert.That(bandWithoutUpper, Is.EqualTo((HttpStatusCode.UnprocessableEntity, new[] { "upperThreshold" })));
            Assert.That(clearOnWrongSide, Is.EqualTo((HttpStatusCode.UnprocessableEntity, new[] { "clearThreshold" })));
            Assert.That(otherTenantsNode, Is.EqualTo((HttpStatusCode.NotFound, new[] { "nodeId" })));
        });
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_rules"), Is.Zero);
    }

    [Test]
    public async Task Changes_need_the_current_version_and_a_superadmin_names_a_selector_rules_distributor()
    {
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        var id = (await (await distributor.PostAsJsonAsync("/api/v1/alert-rules", LowLevel())).ReadEnvelopeAsync(HttpStatusCode.Created))
            .GetProperty("data").GetProperty("id").GetGuid();

        var unconditional = await distributor.PutAsJsonAsync($"/api/v1/alert-rules/{id}", LowLevel(10));
        using var stale = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/alert-rules/{id}");
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));
        var staleDelete = await distributor.SendAsync(stale);
        var selector = new { name = "All tanks", selector = new { analyticsType = "EvaraTank" }, metric = "water_level_cm", @operator = "<", threshold = 5, severity = "warning" };
        var withoutDistributor = await superadmin.PostAsJsonAsync("/api/v1/alert-rules", selector);
        var ofDistributor2 = await superadmin.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "All tanks", selector = new { analyticsType = "EvaraTank", communityId = World.Community2 }, metric = "water_level_cm", @operator = "<",
            threshold = 5, severity = "warning", distributorId = World.Distributor2,
        });

        Assert.Multiple(async () =>
        {
            Assert.That(unconditional.StatusCode, Is.EqualTo(HttpStatusCode.PreconditionRequired));
            Assert.That(staleDelete.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That((await withoutDistributor.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single().Field(), Is.EqualTo("distributorId"));
            Assert.That((await ofDistributor2.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("distributorId").GetGuid(),
                Is.EqualTo(World.Distributor2));
        });
    }

    private Task<string?> AlertsAsync() => Database.ScalarAsync<string>(
        "SELECT string_agg(status, ',' ORDER BY triggered_at) FROM alerts.alert_history WHERE node_id = @node", ("node", _scenario.Tank1));
}
