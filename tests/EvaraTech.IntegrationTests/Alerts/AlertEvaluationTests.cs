using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Telemetry;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Telemetry.Contracts;
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
    public Task ArrangeAsync() => TelemetryScenario.ArrangeChannelTankAsync(Database, Now);

    [Test]
    public async Task A_breach_raises_one_alert_and_a_recovery_past_the_clear_threshold_resolves_it()
    {
        await RuleAsync(AlertRuleBuilder.ForNode(TelemetryScenario.Distributor, TelemetryScenario.Tank, LowLevel).ClearingAt(60));

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

    /// <summary>
    /// A device sending its local time (+05:30, as the Indian fleet's firmware does) is alerted on like any other: the
    /// batch's times reach evaluation's database read in UTC.
    /// </summary>
    [Test]
    public async Task A_breach_sent_with_a_local_offset_raises_its_alert()
    {
        await RuleAsync(AlertRuleBuilder.ForNode(TelemetryScenario.Distributor, TelemetryScenario.Tank, LowLevel));

        await AlertScenario.RecordFieldAsync(Platform.Api, TelemetryScenario.Tank, [("0.5", Now.AddMinutes(-4).ToOffset(TimeSpan.FromMinutes(330)))]);

        Assert.That(await AlertsAsync(), Is.EqualTo("triggered 35 -"));
    }

    /// <summary>Nothing is stored at the event's time: only the readings it carries can raise the alert.</summary>
    [Test]
    public async Task An_event_is_judged_on_the_readings_it_carries()
    {
        await RuleAsync(AlertRuleBuilder.ForNode(TelemetryScenario.Distributor, TelemetryScenario.Tank, LowLevel));
        var at = Now.AddMinutes(-30);

        await Platform.Api.Services.GetRequiredService<IServiceScopeFactory>().RunAsync(async services =>
        {
            await services.GetRequiredService<IIntegrationEventPublisher>().PublishAsync(new TelemetryBatchRecorded(Guid.CreateVersion7(), Now,
                TelemetryScenario.Tank, TelemetryScenario.Distributor, "tank", 1, at, at,
                [new StoredReading(at, new Dictionary<string, double> { ["water_level_cm"] = 35 })]), CancellationToken.None);
            return true;
        }, CancellationToken.None);
        await Platform.Api.HandledAsync();

        Assert.That(await AlertsAsync(), Is.EqualTo("triggered 35 -"));
    }

    [Test]
    public async Task A_batch_too_large_to_carry_is_read_back_and_judged()
    {
        await RuleAsync(AlertRuleBuilder.ForNode(TelemetryScenario.Distributor, TelemetryScenario.Tank, LowLevel));

        await SendAsync(Platform.Api, TelemetryScenario.Tank,
            [.. Enumerable.Range(0, TelemetryBatchRecorded.CarriedReadings).Select(i => ("1", -40 + i)), ("0.5", -20)]);

        Assert.That(await Database.ScalarAsync<string>("SELECT payload ->> 'readings' FROM integration.outbox WHERE event_type LIKE '%TelemetryBatchRecorded%'"),
            Is.Null, "the event carried no readings");
        Assert.That(await AlertsAsync(), Is.EqualTo("triggered 35 -"));
    }

    [Test]
    public async Task A_duration_carries_over_to_the_next_batch_on_another_instance()
    {
        await RuleAsync(AlertRuleBuilder.ForNode(TelemetryScenario.Distributor, TelemetryScenario.Tank, LowLevel).Lasting(300));

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
        await Tenants.DistributorAsync(Database, other, "Other distributor");
        await RuleAsync(AlertRuleBuilder.ForEvery(TelemetryScenario.Distributor, "EvaraTank", LowLevel));
        await RuleAsync(AlertRuleBuilder.ForEvery(other, "EvaraTank"));
        var later = await NodeBuilder.OfDistributor(TelemetryScenario.Distributor).Named("LATER-TANK", "Added later").WithState()
            .WithMapping("field1", "water_level_cm", scale: 10).InsertAsync(Database);

        await SendAsync(Platform.Api, later, ("3", -5));

        Assert.That(await Database.ScalarAsync<string>($"""
            SELECT string_agg(rule_id::text, ',') FROM alerts.alert_history WHERE node_id = '{later}'
            """), Is.EqualTo(LowLevel.ToString()), "only the node's own distributor's selector");
    }

    /// <summary>Writes a critical rule, and tells the instance's rule cache, as the rules API will.</summary>
    private static async Task RuleAsync(AlertRuleBuilder rule)
    {
        await rule.Severity("critical").InsertAsync(Database);
        Platform.Api.Services.GetRequiredService<AlertRulesCache>().Invalidate(rule.Owner);
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
