using System.Net;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// The alerts API: the active list (10 per page by default, keyset cursors) and the timeline with their filters,
/// acknowledging and resolving by hand (each once; the node leaves Alert with its last critical alert), and the stats.
/// </summary>
public sealed class AlertApiTests : TenantWorldTest
{
    private static readonly DateTimeOffset Base = new(2026, 11, 20, 0, 0, 0, TimeSpan.Zero);
    private AlertScenario _scenario = null!;
    private Guid _rule;

    [SetUp]
    public async Task ArrangeAsync()
    {
        _scenario = await AlertScenario.ArrangeAsync(Database, World);
        _rule = await AlertRuleBuilder.ForEvery(World.Distributor1, "EvaraTank").InsertAsync(Database);
    }

    [Test]
    public async Task The_active_list_pages_ten_at_a_time_newest_first_and_the_timeline_holds_the_resolved_too()
    {
        // 15 open alerts (one per extra node: at most one is open per rule and node), and 2 resolved.
        for (var i = 0; i < 17; i++)
        {
            await AlertAsync(i < 15 ? null : Base.AddHours(i + 1), i % 3 == 0 ? "critical" : "warning", Base.AddHours(i), await NodeAsync(i));
        }

        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var first = await (await client.GetAsync("/api/v1/alerts")).ReadEnvelopeAsync(HttpStatusCode.OK);
        var cursor = first.GetProperty("meta").GetProperty("pagination").GetProperty("nextCursor").GetString();
        var second = await (await client.GetAsync($"/api/v1/alerts?cursor={cursor}")).ReadEnvelopeAsync(HttpStatusCode.OK);
        var timeline = await (await client.GetAsync("/api/v1/alerts?view=timeline&limit=100")).ReadEnvelopeAsync(HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(Times(first), Is.EqualTo(Enumerable.Range(5, 10).Reverse().Select(h => Base.AddHours(h))));
            Assert.That(Times(second), Is.EqualTo(Enumerable.Range(0, 5).Reverse().Select(h => Base.AddHours(h))));
            Assert.That(second.GetProperty("meta").GetProperty("pagination").TryGetProperty("nextCursor", out var last) ? last.ValueKind : JsonValueKind.Undefined,
                Is.AnyOf(JsonValueKind.Null, JsonValueKind.Undefined), "the last page has no next cursor");
            Assert.That(first.GetProperty("meta").GetProperty("pagination").GetProperty("limit").GetInt32(), Is.EqualTo(10));
            Assert.That(Times(timeline), Has.Length.EqualTo(17));
        });
    }

    [Test]
    public async Task Filters_narrow_by_severity_status_node_community_and_time()
    {
        var other = await NodeAsync(1);
        var critical = await AlertAsync(null, "critical", Base, _scenario.Tank1);
        var acknowledged = await AlertAsync(null, "warning", Base.AddHours(2), other, acknowledgedAt: Base.AddHours(3));
        await AlertAsync(Base.AddHours(5), "warning", Base.AddHours(4), await NodeAsync(2));
        using var client = ClientWith(Tokens.For(World.Superadmin));

        async Task<Guid[]> IdsAsync(string query) =>
            [.. (await (await client.GetAsync("/api/v1/alerts?view=timeline&" + query)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data")
                .EnumerateArray().Select(a => a.GetProperty("id").GetGuid())];

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await IdsAsync("severity=critical"), Is.EqualTo(new[] { critical }));
            Assert.That(await IdsAsync("status=acknowledged"), Is.EqualTo(new[] { acknowledged }));
            Assert.That(await IdsAsync($"node_id={_scenario.Tank1}"), Is.EqualTo(new[] { critical }));
            Assert.That(await IdsAsync($"community_id={World.Community2}"), Is.Empty);
            Assert.That(await IdsAsync($"community_id={World.Community1}&severity=warning&status=acknowledged"), Is.EqualTo(new[] { acknowledged }));
            Assert.That(await IdsAsync("from=2026-11-20T01:00:00Z&to=2026-11-20T03:00:00Z"), Is.EqualTo(new[] { acknowledged }));
            var bad = await (await client.GetAsync("/api/v1/alerts?severity=loud&cursor=nope")).ReadEnvelopeAsync(HttpStatusCode.BadRequest);
            Assert.That(bad.Errors().Select(e => e.Field()), Is.EquivalentTo(new[] { "severity[0]", "cursor" }));
        });
    }

    [Test]
    public async Task An_alert_is_acknowledged_once_and_resolved_by_hand_once_and_its_node_leaves_alert()
    {
        var id = await AlertAsync(null, "critical", Base, _scenario.Tank1);
        await Database.ExecuteAsync("UPDATE nodes.node_operational_state SET status = 'Alert', last_seen = now() WHERE node_id = @n", ("n", _scenario.Tank1));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var acknowledged = (await (await client.PostAsync($"/api/v1/alerts/{id}/acknowledge", null)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var again = await client.PostAsync($"/api/v1/alerts/{id}/acknowledge", null);
        var resolved = (await (await client.PostAsync($"/api/v1/alerts/{id}/resolve", null)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var resolvedAgain = await client.PostAsync($"/api/v1/alerts/{id}/resolve", null);

        Assert.Multiple(async () =>
        {
            Assert.That(acknowledged.GetProperty("status").GetString(), Is.EqualTo("acknowledged"));
            Assert.That(acknowledged.GetProperty("acknowledgedBy").GetGuid(), Is.EqualTo(World.DistributorUser1.Id));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(resolved.GetProperty("status").GetString() + " " + resolved.GetProperty("resolution").GetString(), Is.EqualTo("resolved manual"));
            Assert.That(resolved.GetProperty("resolvedBy").GetGuid(), Is.EqualTo(World.DistributorUser1.Id));
            Assert.That(resolvedAgain.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(await Database.ScalarAsync<string>("SELECT status FROM nodes.node_operational_state WHERE node_id = @n", ("n", _scenario.Tank1)),
                Is.EqualTo("Online"));
            Assert.That(await Database.ScalarAsync<string>(
                "SELECT string_agg(event_type, ',' ORDER BY occurred_at) FROM integration.outbox WHERE event_type LIKE 'Alert%'"),
                Is.EqualTo("AlertAcknowledged,AlertResolved"));
        });
    }

    [Test]
    public async Task Racing_acknowledgements_acknowledge_once()
    {
        var id = await AlertAsync(null, "warning", Base, _scenario.Tank1);
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.PostAsync($"/api/v1/alerts/{id}/acknowledge", null)));

        Assert.That(answers.Select(a => (int)a.StatusCode).Order(), Is.EqualTo(new[] { 200 }.Concat(Enumerable.Repeat(409, 9))));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE event_type = 'AlertAcknowledged'"), Is.EqualTo(1));
    }

    [Test]
    public async Task Stats_count_by_severity_and_status_and_average_the_response_times()
    {
        await AlertAsync(Base.AddMinutes(30), "critical", Base, _scenario.Tank1, acknowledgedAt: Base.AddMinutes(10));
        await AlertAsync(Base.AddHours(1).AddMinutes(90), "warning", Base.AddHours(1), await NodeAsync(1), acknowledgedAt: Base.AddHours(1).AddMinutes(20));
        await AlertAsync(null, "warning", Base.AddHours(2), await NodeAsync(2));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var stats = (await (await client.GetAsync("/api/v1/alerts/stats?from=2026-11-19T00:00:00Z&to=2026-11-21T00:00:00Z"))
            .ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        Assert.Multiple(() =>
        {
            Assert.That(stats.GetProperty("total").GetInt64(), Is.EqualTo(3));
            Assert.That(stats.GetProperty("open").GetInt64(), Is.EqualTo(1));
            Assert.That(stats.GetProperty("bySeverity").GetProperty("warning").GetInt64(), Is.EqualTo(2));
            Assert.That(stats.GetProperty("byStatus").GetProperty("resolved").GetInt64(), Is.EqualTo(2));
            Assert.That(stats.GetProperty("meanSecondsToAcknowledge").GetDouble(), Is.EqualTo(15 * 60));
            Assert.That(stats.GetProperty("meanSecondsToResolve").GetDouble(), Is.EqualTo(60 * 60));
        });
    }

    private static DateTimeOffset[] Times(JsonElement envelope) =>
        [.. envelope.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("triggeredAt").GetDateTimeOffset())];

    /// <returns>tank 1 for 0, else another tank of customer1</returns>
    private async Task<Guid> NodeAsync(int i)
    {
        if (i == 0)
        {
            return _scenario.Tank1;
        }

        return await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named($"extra-{i}", $"Extra {i}").InsertAsync(Database);
    }

    private Task<Guid> AlertAsync(DateTimeOffset? resolvedAt, string severity, DateTimeOffset at, Guid node, DateTimeOffset? acknowledgedAt = null) =>
        new AlertBuilder(_rule, node, World.Distributor1).Severity(severity).TriggeredAt(at).AcknowledgedAt(acknowledgedAt).ResolvedAt(resolvedAt)
            .InsertAsync(Database);
}
