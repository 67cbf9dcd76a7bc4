using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Telemetry;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// Every stored batch is evaluated against the rules of its node once its transaction commits: a breach raises, a
/// recovery past the clear threshold resolves (auto), a duration carries over to the next batch also on another
/// instance, a selector covers a node added after the rule, another distributor's rules never apply.
/// </summary>
public sealed class AlertEvaluationTests : IntegrationTest
{
    private static readonly Guid LowLevel = Guid.Parse("0000000e-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    // The scenario tank stores field1 × 100, calibrated 0.5·x + 10: field1 "0.5" is 35 cm, "1" is 60 cm, "1.2" is 70 cm.
    [SetUp]
    public Task ArrangeAsync() => IngestionPipelineTests.ArrangeTankAsync(Now);

    [Test]
    public async Task A_breach_raises_one_alert_and_a_recovery_past_the_clear_threshold_resolves_it()
    {
        await RuleAsync(LowLevel, $"node_id = '{TelemetryScenario.Tank}'", clear: 60);

        await SendAsync(Platform.Api, TelemetryScenario.Tank, ("1", -10), ("0.5", -9), ("0.5", -8));
        var raised = await AlertsAsync();
        var duringAlert = await StatusAsync();
        await SendAsync(Platform.Api, TelemetryScenario.Tank, ("1", -7), ("1.2", -6));

        Assert.That(raised, Is.EqualTo("triggered 35 -"));
        Assert.That(duringAlert, Is.EqualTo("Alert"), "a critical alert puts the node in Alert");
        Assert.That(await AlertsAsync(), Is.EqualTo("resolved 35 auto"), "60 is not past the clear threshold, 70 is");
        Assert.That(await StatusAsync(), Is.EqualTo("Online"), "its resolution restores what the readings say");
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE event_type IN ('AlertRaised', 'AlertResolved')"),
            Is.EqualTo(2));
    }

    [Test]
    public async Task A_duration_carries_over_to_the_next_batch_on_another_instance()
    {
        await RuleAsync(LowLevel, $"node_id = '{TelemetryScenario.Tank}'", durationSeconds: 300);

        await SendAsync(Platform.Api, TelemetryScenario.Tank, ("0.5", -20), ("0.5", -18), ("0.5", -17));
        var afterThreeMinutes = await AlertsAsync();
        await using (var restarted = ApiFactory.For(Database))
        {
            await SendAsync(restarted, TelemetryScenario.Tank, ("0.5", -16), ("0.5", -15));
        }

        Assert.That(afterThreeMinutes, Is.Null, "held 3 of 5 minutes");
        Assert.That(await AlertsAsync(), Is.EqualTo("triggered 35 -"), "5 minutes reached in the next batch, on a fresh instance");
    }

    [Test]
    public async Task A_selector_rule_covers_a_node_added_after_it_and_another_distributors_rules_never_apply()
    {
        var other = Guid.CreateVersion7();
        await Database.ExecuteAsync($"INSERT INTO tenancy.distributors (id, name) VALUES ('{other}', 'Other distributor')");
        await RuleAsync(LowLevel, "selector_analytics_type = 'EvaraTank'", owner: TelemetryScenario.Distributor.ToString());
        await RuleAsync(Guid.CreateVersion7(), "selector_analytics_type = 'EvaraTank'", owner: other.ToString());
        var later = Guid.CreateVersion7();
        await Database.ExecuteAsync($"""
            INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, owner_distributor_id)
            VALUES ('{later}', 'LATER-TANK', 'Added later', 'OHT', 'EvaraTank', 'distributor', '{TelemetryScenario.Distributor}', '{TelemetryScenario.Distributor}');
            INSERT INTO nodes.node_operational_state (node_id) VALUES ('{later}');
            INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type, scale_factor, value_offset)
            VALUES (gen_random_uuid(), '{later}', 'field1', 'water_level_cm', 'float', 10, 0);
            """);

        await SendAsync(Platform.Api, later, ("3", -5));

        Assert.That(await Database.ScalarAsync<string>($"""
            SELECT string_agg(rule_id::text, ',') FROM alerts.alert_history WHERE node_id = '{later}'
            """), Is.EqualTo(LowLevel.ToString()), "only the node's own distributor's selector");
    }

    /// <summary>Writes a rule, and tells the instance's rule cache, as the rules API will.</summary>
    private static async Task RuleAsync(Guid id, string target, double? clear = null, int durationSeconds = 0, string? owner = null)
    {
        var targetColumn = target.Split(" = ")[0];
        var targetValue = target.Split(" = ")[1];
        var ownerId = owner ?? TelemetryScenario.Distributor.ToString();
        await Database.ExecuteAsync($"""
            INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, {targetColumn}, metric, operator, threshold, clear_threshold,
                                            duration_seconds, severity, cooldown_minutes)
            VALUES ('{id}', '{ownerId}', 'Tank low', {targetValue}, 'water_level_cm', '<', 50,
                    {(clear is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "NULL")}, {durationSeconds}, 'critical', 15)
            """);
        Platform.Api.Services.GetRequiredService<AlertRulesCache>().Invalidate(Guid.Parse(ownerId));
    }

    private static Task<string?> StatusAsync() =>
        Database.ScalarAsync<string>($"SELECT status FROM nodes.node_operational_state WHERE node_id = '{TelemetryScenario.Tank}'");

    private static Task<string?> AlertsAsync() => Database.ScalarAsync<string>($"""
        SELECT string_agg(status || ' ' || value || ' ' || coalesce(resolution, '-'), ',' ORDER BY triggered_at)
        FROM alerts.alert_history WHERE rule_id = '{LowLevel}'
        """);

    private static Task SendAsync(WebApplicationFactory<Program> api, Guid node, params (string Field1, int Minutes)[] entries) =>
        AlertScenario.RecordFieldAsync(api, node, [.. entries.Select(e => (e.Field1, Now.AddMinutes(e.Minutes)))]);
}
