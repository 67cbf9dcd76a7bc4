using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// Backtesting a rule: what it would have raised over stored raw readings, with live evaluation's duration, clear
/// threshold and cooldown; under the caller's scope; bad input named by field; limited per user; nothing ever stored.
/// </summary>
public sealed class AlertBacktestTests : TenantWorldTest
{
    private AlertScenario _scenario = null!;
    private DateTimeOffset _now;

    [SetUp]
    public async Task ArrangeAsync()
    {
        _scenario = await AlertScenario.ArrangeAsync(Database, World);
        _now = DateTimeOffset.UtcNow;
    }

    /// <summary>A reading a minute for <paramref name="days"/> days back: 150 cm, except <paramref name="low"/> cm inside each dip.</summary>
    private Task HistoryAsync(Guid node, int days, double low, params (TimeSpan Ago, TimeSpan Length)[] dips) => Rows.InsertAsync(Database, """
        INSERT INTO telemetry.telemetry_tank (node_id, "timestamp", water_level_cm)
        SELECT @Node, t, CASE WHEN EXISTS (SELECT 1 FROM unnest(@DipFrom, @DipTo) d(f, u) WHERE t >= d.f AND t < d.u) THEN @Low ELSE 150 END
        FROM generate_series(date_trunc('minute', @Now::timestamptz) - make_interval(days => @Days), @Now::timestamptz, interval '1 minute') t
        """, new
    {
        Node = node, Now = _now, Days = days, Low = low,
        DipFrom = dips.Select(d => _now - d.Ago).ToArray(), DipTo = dips.Select(d => _now - d.Ago + d.Length).ToArray(),
    });

    private Dictionary<string, object?> Rule(Guid? node = null, int durationSeconds = 600, int cooldownMinutes = 60, object? selector = null) => new()
    {
        ["name"] = "Tank low", ["nodeId"] = selector is null ? node ?? _scenario.Tank1 : null, ["selector"] = selector, ["metric"] = "water_level_cm",
        ["operator"] = "<", ["threshold"] = 50, ["clearThreshold"] = 60, ["durationSeconds"] = durationSeconds, ["severity"] = "warning",
        ["cooldownMinutes"] = cooldownMinutes,
    };

    private static async Task<JsonElement> BacktestAsync(HttpClient client, object rule, int days = 7)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/alert-rules/backtest?days={days}", rule);
        return (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
    }

    private Task<long> StoredAsync() => Database.ScalarAsync<long>("""
        SELECT (SELECT count(*) FROM alerts.alert_rules) + (SELECT count(*) FROM alerts.alert_history) + (SELECT count(*) FROM alerts.rule_states)
             + (SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'alert_rule')
        """);

    [Test]
    public async Task A_rule_would_have_raised_an_alert_for_each_breach_that_held_its_duration_as_live_evaluation_would()
    {
        // Day 2: 30 minutes low (raises once, cleared when it recovers); day 4: 5 minutes low (shorter than the duration:
        // nothing); day 6: low until now (raised, still open). Outside the 7-day window, day 9: not seen.
        await HistoryAsync(_scenario.Tank1, 10, 20,
            (TimeSpan.FromDays(2), TimeSpan.FromMinutes(30)), (TimeSpan.FromDays(4), TimeSpan.FromMinutes(5)),
            (TimeSpan.FromHours(1), TimeSpan.FromHours(2)), (TimeSpan.FromDays(9), TimeSpan.FromHours(1)));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var result = await BacktestAsync(client, Rule());

        var alerts = result.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(result.GetProperty("raised").GetInt32(), Is.EqualTo(2));
            Assert.That(result.GetProperty("nodes").GetInt32(), Is.EqualTo(1));
            Assert.That(result.GetProperty("readings").GetInt32(), Is.InRange(7 * 1440 - 1, 7 * 1440 + 1), "a week of readings, one a minute");
            Assert.That(alerts.Select(a => a.GetProperty("nodeId").GetGuid()), Is.All.EqualTo(_scenario.Tank1));
            var open = alerts[0];
            Assert.That(open.GetProperty("raisedAt").GetDateTimeOffset(), Is.EqualTo(_now.AddHours(-1).AddMinutes(10)).Within(TimeSpan.FromMinutes(1)),
                "the newest first, raised once the breach held 10 minutes");
            Assert.That(open.GetProperty("resolvedAt").ValueKind, Is.EqualTo(JsonValueKind.Null), "still low now: open");
            var closed = alerts[1];
            Assert.That(closed.GetProperty("breachSince").GetDateTimeOffset(), Is.EqualTo(_now.AddDays(-2)).Within(TimeSpan.FromMinutes(1)));
            Assert.That(closed.GetProperty("resolvedAt").GetDateTimeOffset(), Is.EqualTo(_now.AddDays(-2).AddMinutes(30)).Within(TimeSpan.FromMinutes(1)));
            Assert.That(closed.GetProperty("value").GetDouble(), Is.EqualTo(20));
            Assert.That(closed.GetProperty("message").GetString(), Is.EqualTo("Tank low: water_level_cm 20 < 50"));
            Assert.That(await StoredAsync(), Is.Zero, "a backtest stores no rule, alert, state or audit row");
        });
    }

    [Test]
    public async Task The_cooldown_after_a_resolved_alert_holds_back_the_next_breach_as_it_would_live()
    {
        // Two 20-minute dips 30 minutes apart.
        await HistoryAsync(_scenario.Tank1, 1, 20, (TimeSpan.FromHours(5), TimeSpan.FromMinutes(20)), (TimeSpan.FromHours(4.5), TimeSpan.FromMinutes(20)));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var withCooldown = await BacktestAsync(client, Rule(durationSeconds: 0, cooldownMinutes: 60), days: 1);
        var without = await BacktestAsync(client, Rule(durationSeconds: 0, cooldownMinutes: 0), days: 1);

        Assert.That((withCooldown.GetProperty("raised").GetInt32(), without.GetProperty("raised").GetInt32()), Is.EqualTo((1, 2)));
    }

    [Test]
    public async Task A_breach_that_outlasts_the_cooldown_raises_again_at_its_first_reading_after_it_as_live()
    {
        // A 20-minute dip, then 10 minutes above, then a dip of two hours: with a 60-minute cooldown the second breach
        // raises once the hour since the first cleared has passed, while it still holds.
        await HistoryAsync(_scenario.Tank1, 1, 20, (TimeSpan.FromHours(5), TimeSpan.FromMinutes(20)), (TimeSpan.FromHours(4.5), TimeSpan.FromHours(2)));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var result = await BacktestAsync(client, Rule(durationSeconds: 0, cooldownMinutes: 60), days: 1);

        var raised = result.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("raisedAt").GetDateTimeOffset()).Order().ToList();
        Assert.That(raised, Has.Count.EqualTo(2));
        Assert.That(raised[1], Is.EqualTo(_now.AddHours(-5).AddMinutes(20).AddHours(1)).Within(TimeSpan.FromMinutes(1)), "an hour after the first cleared");
    }

    [Test]
    public async Task A_selector_over_more_nodes_than_a_backtest_replays_replays_the_first_hundred_and_says_more_matched()
    {
        for (var i = 0; i < 101; i++)
        {
            await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named($"many-tank-{i:D3}", $"Many tank {i:D3}")
                .WithState().WithTank(300).InsertAsync(Database);
        }

        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var result = await BacktestAsync(client, Rule(selector: new { analyticsType = "EvaraTank" }), days: 1);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("nodes").GetInt32(), Is.EqualTo(100));
            Assert.That(result.GetProperty("truncated").GetBoolean(), Is.True);
        });
    }

    [Test]
    public async Task A_selector_rule_replays_every_node_it_covers_in_the_owners_scope_only()
    {
        var tank3 = await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("alert-tank-3", "Tank Three")
            .WithState().WithTank(300).InsertAsync(Database);
        foreach (var node in new[] { _scenario.Tank1, tank3, _scenario.Tank2 })
        {
            await HistoryAsync(node, 1, 20, (TimeSpan.FromHours(3), TimeSpan.FromHours(1)));
        }

        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var result = await BacktestAsync(client, Rule(selector: new { communityId = World.Community1 }), days: 1);

        Assert.Multiple(() =>
        {
            Assert.That(result.GetProperty("nodes").GetInt32(), Is.EqualTo(2));
            Assert.That(result.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("nodeId").GetGuid()),
                Is.EquivalentTo(new[] { _scenario.Tank1, tank3 }), "distributor two's tank is not replayed");
        });
    }

    [Test]
    public async Task Another_distributors_node_is_not_found_and_a_customer_may_not_backtest()
    {
        using var other = ClientWith(Tokens.For(World.DistributorUser2));
        using var customer = ClientWith(Tokens.For(World.CustomerUser1));

        var foreign = await other.PostAsJsonAsync("/api/v1/alert-rules/backtest", Rule());
        var notAllowed = await customer.PostAsJsonAsync("/api/v1/alert-rules/backtest", Rule());

        var error = (await foreign.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single();
        Assert.That(error.Field(), Is.EqualTo("nodeId"));
        await notAllowed.ReadEnvelopeAsync(HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Bad_input_is_refused_naming_the_field_and_stores_nothing()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var cases = new (string Query, Dictionary<string, object?> Rule, HttpStatusCode Status, string Field)[]
        {
            ("days=31", Rule(), HttpStatusCode.BadRequest, "days"),
            ("days=0", Rule(), HttpStatusCode.BadRequest, "days"),
            ("days=7", new(Rule()) { ["operator"] = "~" }, HttpStatusCode.BadRequest, "operator"),
            ("days=7", new(Rule()) { ["metric"] = "flow_rate_lpm" }, HttpStatusCode.UnprocessableEntity, "metric"),
            ("days=7", new(Rule()) { ["clearThreshold"] = 40 }, HttpStatusCode.UnprocessableEntity, "clearThreshold"),
        };

        foreach (var (query, rule, status, field) in cases)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/alert-rules/backtest?{query}", rule);
            var errors = (await response.ReadEnvelopeAsync(status)).Errors();
            Assert.That(errors.Select(e => e.Field()), Does.Contain(field), $"{query} {JsonSerializer.Serialize(rule)}");
        }

        Assert.That(await StoredAsync(), Is.Zero);
    }

    [Test]
    public async Task Past_its_limit_a_user_is_told_to_retry_later_while_another_user_is_not()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/alert-rules/backtest?days=1", Rule())).StatusCode);
        }

        var refused = await client.PostAsJsonAsync("/api/v1/alert-rules/backtest?days=1", Rule());
        var other = await superadmin.PostAsJsonAsync("/api/v1/alert-rules/backtest?days=1", Rule());

        Assert.That(statuses.Take(10), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(statuses[10], Is.EqualTo(HttpStatusCode.TooManyRequests));
        var error = (await refused.ReadEnvelopeAsync(HttpStatusCode.TooManyRequests)).Errors().Single();
        Assert.That(error.Code(), Is.EqualTo("RATE_LIMITED"));
        await other.ReadEnvelopeAsync(HttpStatusCode.OK);
    }
}
