using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Alerts.Notifications;

/// <summary>
/// Notifications end to end, on a host of their own running Hangfire: a breach raises an alert, its fan-out queues
/// a delivery per channel of every rule it reaches, and the delivery jobs POST signed webhooks to a real receiver and
/// send email to a real SMTP server, retrying with backoff, never twice, repeating only on the repeat interval.
/// </summary>
[NonParallelizable]
public sealed class NotificationTests
{
    private const string Secret = "whsec-test-0123456789abcdef";
    private const string SmsAccount = "AC0123456789abcdef0123456789abcdef";
    private const string SmsToken = "sms-auth-token-for-tests";

    private TestDatabase _database = null!;
    private ApiFactory _api = null!;
    private WebhookReceiver _receiver = null!;
    private SmtpSink _smtp = null!;
    private SmsGateway _sms = null!;
    private TenantWorld _world = null!;
    private AlertScenario _scenario = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync("notify");
        _receiver = await WebhookReceiver.StartAsync();
        _smtp = SmtpSink.Start();
        _sms = await SmsGateway.StartAsync();
        _api = ApiFactory.For(_database, new Dictionary<string, string?>
        {
            ["Jobs:ServerEnabled"] = "true",
            ["Jobs:WorkerCount"] = "2",
            ["Jobs:QueuePollIntervalSeconds"] = "0.2",
            ["Jobs:SchedulePollingIntervalSeconds"] = "0.5",
            ["Notifications:AllowHttpWebhooks"] = "true",
            ["Notifications:AllowPrivateNetworkWebhooks"] = "true",
            ["Notifications:RetryDelaysSeconds:0"] = "1",
            ["Notifications:RetryDelaysSeconds:1"] = "1",
            ["Notifications:RetryDelaysSeconds:2"] = "1",
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
            ["Notifications:Sms:BaseUrl"] = _sms.BaseUrl,
            ["Notifications:Sms:AccountSid"] = SmsAccount,
            ["Notifications:Sms:AuthToken"] = SmsToken,
            ["Notifications:Sms:From"] = "+15005550006",
        });
        _ = _api.Server; // migrates
        _world = await TenantWorld.CreateAsync(_database);
        _scenario = await AlertScenario.ArrangeAsync(_database, _world);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _api.DisposeAsync();
        await _receiver.DisposeAsync();
        _smtp.Dispose();
        await _sms.DisposeAsync();
        await _database.DisposeAsync();
    }

    [SetUp]
    public async Task ResetAsync()
    {
        await _database.ExecuteAsync("""
            DELETE FROM alerts.alert_notification_rules;
            DELETE FROM alerts.alert_rules;
            UPDATE nodes.node_operational_state SET status = 'Online';
            """);
        _receiver.Reset();
        _smtp.Messages.Clear();
        _sms.Reset();
    }

    [Test]
    public async Task A_webhook_receiver_gets_one_signed_delivery_it_can_verify_and_a_replayed_event_queues_none()
    {
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await AlertRuleAsync("critical");

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");
        await BreachAsync(); // the alert is still open: evaluation raises nothing, so nothing is told again
        await ReplayAlertRaisedAsync();

        var delivery = _receiver.Deliveries.Single();
        var timestamp = long.Parse(delivery.Headers["X-Evara-Timestamp"], CultureInfo.InvariantCulture);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{delivery.Body}")));
        using var body = JsonDocument.Parse(delivery.Body);
        using var client = ClientFor(_world.DistributorUser1);
        var log = (await (await client.GetAsync("/api/v1/notifications")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").EnumerateArray().ToList();
        var rules = await (await client.GetAsync("/api/v1/notification-rules")).Content.ReadAsStringAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(delivery.Headers["X-Evara-Signature"], Is.EqualTo(expected));
            Assert.That(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - timestamp, Is.InRange(0, 60));
            Assert.That(delivery.Headers["Idempotency-Key"], Does.StartWith("alert:"));
            Assert.That(body.RootElement.GetProperty("type").GetString(), Is.EqualTo("alert.triggered"));
            Assert.That(body.RootElement.GetProperty("alert").GetProperty("id").GetGuid(), Is.EqualTo(await AlertIdAsync()));
            Assert.That(body.RootElement.GetProperty("alert").GetProperty("severity").GetString(), Is.EqualTo("critical"));
            Assert.That(log.Select(d => $"{d.GetProperty("channel").GetString()} {d.GetProperty("status").GetString()} {d.GetProperty("attempts").GetInt32()}"),
                Is.EqualTo(new[] { "webhook sent 1" }));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_notifications"), Is.EqualTo(1));
            Assert.That(rules, Does.Not.Contain(Secret), "a webhook's secret never leaves the server");
        });
    }

    /// <summary>
    /// A delivery whose job was lost right after its commit (the job store unreachable, the instance stopping) is
    /// queued again within a couple of minutes, not after the half hour a delivery waiting for its retry may take.
    /// </summary>
    [Test]
    public async Task A_delivery_whose_job_was_lost_before_its_first_attempt_is_queued_again_within_minutes()
    {
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await AlertRuleAsync("warning");
        await BreachAsync();
        await WaitForDeliveriesAsync("sent");
        var repeats = _api.Services.GetRequiredService<NotificationRepeats>();

        // Put back as a delivery queued two minutes ago that was tried once and waits for its retry: left alone.
        await _database.ExecuteAsync("""
            UPDATE alerts.alert_notifications
            SET status = 'pending', attempts = 1, sent_at = NULL, created_at = now() - interval '2 minutes', last_attempt_at = now() - interval '2 minutes'
            """);
        var waitingForRetry = await repeats.RunAsync(CancellationToken.None);

        // As one queued two minutes ago whose job never ran: queued again, and sent.
        await _database.ExecuteAsync("UPDATE alerts.alert_notifications SET attempts = 0, last_attempt_at = NULL");
        var lostJob = await repeats.RunAsync(CancellationToken.None);
        await WaitForDeliveriesAsync("sent");

        Assert.Multiple(() =>
        {
            Assert.That((waitingForRetry, lostJob), Is.EqualTo((0, 1)));
            Assert.That(_receiver.Deliveries.Select(d => d.Headers["Idempotency-Key"]).Distinct().Count(), Is.EqualTo(1), "the same delivery");
        });
    }

    /// <summary>
    /// A server stopping leaves a delivery it has not begun to another server, and lets one under way finish: cut off
    /// after the receiver had the request, it would stay pending and be sent again.
    /// </summary>
    [Test]
    public async Task A_stopping_server_begins_no_delivery_and_finishes_the_one_under_way()
    {
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await AlertRuleAsync("warning");
        await BreachAsync();
        await WaitForDeliveriesAsync("sent");
        // Queued just now, so the sweep of never-attempted deliveries leaves it to this test.
        await _database.ExecuteAsync("UPDATE alerts.alert_notifications SET status = 'pending', attempts = 0, sent_at = NULL, last_attempt_at = NULL, created_at = now()");
        var id = await _database.ScalarAsync<Guid>("SELECT id FROM alerts.alert_notifications");
        var job = _api.Services.GetRequiredService<NotificationDelivery>();

        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();
        var notBegun = job.DeliverAsync(id, stopped.Token);
        Assert.That(async () => await notBegun, Throws.InstanceOf<OperationCanceledException>());
        var receivedBeforeBegun = _receiver.Deliveries.Count;

        _receiver.HoldAnswers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopping = new CancellationTokenSource();
        var underWay = job.DeliverAsync(id, stopping.Token);
        await WaitUntilAsync(() => _receiver.Deliveries.Count == receivedBeforeBegun + 1);
        await stopping.CancelAsync();
        await Task.Delay(200);
        _receiver.HoldAnswers.SetResult();
        await underWay;

        Assert.Multiple(async () =>
        {
            Assert.That(receivedBeforeBegun, Is.EqualTo(1), "only the first send: the stopped server began nothing");
            Assert.That(await _database.ScalarAsync<string>("SELECT status || ' ' || attempts FROM alerts.alert_notifications"), Is.EqualTo("sent 1"));
            Assert.That(_receiver.Deliveries.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_receiver_failing_twice_then_succeeding_gets_exactly_one_successful_delivery()
    {
        _receiver.FailFirst = 2;
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await AlertRuleAsync("warning");

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");

        var deliveries = _receiver.Deliveries.ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(deliveries.Select(d => d.Answered), Is.EqualTo(new[] { 500, 500, 200 }));
            Assert.That(deliveries.Select(d => d.Headers["Idempotency-Key"]).Distinct().Count(), Is.EqualTo(1), "every retry is the same delivery");
            Assert.That(await _database.ScalarAsync<string>("SELECT status || ' ' || attempts || ' ' || coalesce(error_message, '-') FROM alerts.alert_notifications"),
                Is.EqualTo("sent 3 -"));
        });
    }

    [Test]
    public async Task A_delivery_that_keeps_failing_is_failed_with_its_error_once_the_retries_are_used_up()
    {
        _receiver.FailFirst = int.MaxValue;
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await AlertRuleAsync("warning");

        await BreachAsync();
        await WaitForDeliveriesAsync("failed");

        Assert.That(_receiver.Deliveries, Has.Count.EqualTo(4), "the first attempt and three retries");
        Assert.That(await _database.ScalarAsync<string>("SELECT status || ' ' || attempts || ' ' || error_message FROM alerts.alert_notifications"),
            Does.StartWith("failed 4 The webhook answered 500"));
    }

    [Test]
    public async Task An_smtp_server_receives_the_email_at_the_users_address()
    {
        await SubscribeAsync(_world.DistributorUser1, "info", new { type = "email" });
        await AlertRuleAsync("critical");

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");

        var message = _smtp.Messages.Single();
        Assert.Multiple(() =>
        {
            Assert.That(message.To.Mailboxes.Single().Address, Is.EqualTo(_world.DistributorUser1.Email));
            Assert.That(message.Subject, Is.EqualTo("[CRITICAL] Tank low"));
            Assert.That(message.TextBody, Does.Contain("water_level_cm 20 < 50").And.Contain(_scenario.Tank1.ToString()));
            Assert.That(message.Headers["Idempotency-Key"], Does.StartWith("alert:"));
        });
    }

    [Test]
    public async Task An_sms_gateway_receives_the_text_at_the_rules_number_authenticated_as_the_account()
    {
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "sms", number = "+919876543210" });
        await AlertRuleAsync("critical");

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");

        var text = _sms.Texts.Single();
        using var client = ClientFor(_world.DistributorUser1);
        var rules = (await (await client.GetAsync("/api/v1/notification-rules")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(text.Path, Is.EqualTo($"/2010-04-01/Accounts/{SmsAccount}/Messages.json"));
            Assert.That(text.Authorization, Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SmsAccount}:{SmsToken}"))));
            Assert.That((text.Form["To"], text.Form["From"]), Is.EqualTo(("+919876543210", "+15005550006")));
            Assert.That(text.Form["Body"], Does.StartWith("[CRITICAL] Tank low: "));
            Assert.That(text.IdempotencyKey, Does.StartWith("alert:"));
            Assert.That(rules[0].GetProperty("channels")[0].GetProperty("number").GetString(), Is.EqualTo("+919876543210"));
        });
    }

    [Test]
    public async Task A_number_the_sms_gateway_refuses_fails_the_delivery_with_the_gateways_words()
    {
        _sms.RefusedNumber = "+919876543211";
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "sms", number = "+919876543211" });
        await AlertRuleAsync("warning");

        await BreachAsync();
        await WaitForDeliveriesAsync("failed");

        Assert.That(await _database.ScalarAsync<string>("SELECT error_message FROM alerts.alert_notifications"),
            Does.Contain("400").And.Contain("not a valid phone number").And.Not.Contain(SmsAccount), "the gateway's words, without the account");
    }

    [Test]
    public async Task A_rule_that_texts_cannot_repeat_more_often_than_the_floor()
    {
        using var client = ClientFor(_world.DistributorUser1);
        var response = await client.PostAsJsonAsync("/api/v1/notification-rules",
            new { severityMin = "warning", repeatIntervalMinutes = 5, channels = new[] { new { type = "sms", number = "+919876543210" } } });

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("errors")[0];
        Assert.That((error.Code(), error.Field()), Is.EqualTo(("INVALID_REPEAT_INTERVAL", "repeatIntervalMinutes")));
    }

    [TestCase("9876543210")]
    [TestCase("+91 98765 43210")]
    [TestCase(null)]
    [TestCase("+12025550123")]
    public async Task A_rule_with_an_sms_number_not_in_e164_form_or_outside_the_countries_texted_is_refused_on_its_field(string? number)
    {
        using var client = ClientFor(_world.DistributorUser1);
        var response = await client.PostAsJsonAsync("/api/v1/notification-rules",
            new { severityMin = "warning", channels = new[] { new { type = "sms", number } } });

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).GetProperty("errors")[0];
        Assert.That((error.Code(), error.Field()), Is.EqualTo(("INVALID_CHANNEL", "channels[0].number")));
        Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_notification_rules"), Is.Zero);
    }

    [Test]
    public async Task Only_users_whose_rules_the_alert_reaches_and_who_see_the_node_are_told()
    {
        await SubscribeAsync(_world.DistributorUser1, "critical", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await SubscribeAsync(_world.CustomerUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await SubscribeAsync(_world.CustomerUser2, "info", new { type = "webhook", url = _receiver.Url, secret = Secret });
        await SubscribeAsync(_world.Superadmin, "info", new { type = "webhook", url = _receiver.Url, secret = Secret }, nodeIds: [_scenario.Tank2]);
        await AlertRuleAsync("warning");

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");

        Assert.That(await _database.ScalarAsync<string>("SELECT string_agg(user_id::text, ',') FROM alerts.alert_notifications"),
            Is.EqualTo(_world.CustomerUser1.Id.ToString()),
            "not the distributor user (critical only), not customer 2 (another tenant's node), not the superadmin (another node)");
        Assert.That(_receiver.Deliveries, Has.Count.EqualTo(1));
    }

    /// <summary>
    /// A rule's node filter by category, community and tag: each criterion given must hold, by any of its values, so
    /// only the rules that cover tank 1 are told of its alert.
    /// </summary>
    [Test]
    public async Task A_rules_node_filter_by_category_community_and_tag_tells_only_of_the_nodes_it_covers()
    {
        using (var distributor = ClientFor(_world.DistributorUser1))
        {
            (await distributor.PostAsJsonAsync($"/api/v1/nodes/{_scenario.Tank1}/tags", new { name = "zone", value = "north" })).EnsureSuccessStatusCode();
        }

        var tag = await _database.ScalarAsync<Guid>("SELECT id FROM nodes.device_tags WHERE tag_name = 'zone' AND tag_value = 'north'");
        var category = await _database.ScalarAsync<string>("SELECT category FROM nodes.nodes WHERE id = @n", ("n", _scenario.Tank1));
        var other = category == "OHT" ? "Sump" : "OHT";
        var byCategory = await FilteredRuleAsync(new { categories = new[] { category, "Borewell" } });
        var byOtherCategory = await FilteredRuleAsync(new { categories = new[] { other } });
        var byCommunity = await FilteredRuleAsync(new { communityIds = new[] { _world.Community1 } });
        var byTag = await FilteredRuleAsync(new { tagIds = new[] { tag } });
        var byTagAndOtherCategory = await FilteredRuleAsync(new { tagIds = new[] { tag }, categories = new[] { other } });
        await AlertRuleAsync("warning");

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");

        var told = await _database.ScalarAsync<string>("SELECT string_agg(notification_rule_id::text, ',' ORDER BY notification_rule_id) FROM alerts.alert_notifications");
        Assert.That(told!.Split(','), Is.EquivalentTo(new[] { byCategory, byCommunity, byTag }.Select(id => id.ToString())),
            $"not {byOtherCategory} (another category) nor {byTagAndOtherCategory} (its tag, but not its category)");
    }

    [TestCase("{\"categories\": [\"Pond\"]}", HttpStatusCode.BadRequest, "categories")]
    [TestCase("{\"communityIds\": [\"COMMUNITY2\"]}", HttpStatusCode.NotFound, "communityIds")]
    [TestCase("{\"tagIds\": [\"00000000-0000-4000-8000-0000000000ff\"]}", HttpStatusCode.NotFound, "tagIds")]
    public async Task A_filter_naming_what_the_user_cannot_see_or_that_does_not_exist_is_refused_on_its_field(string filter, HttpStatusCode status, string field)
    {
        using var client = ClientFor(_world.DistributorUser1);
        var body = JsonNode.Parse(filter.Replace("COMMUNITY2", _world.Community2.ToString(), StringComparison.Ordinal))!.AsObject();
        body["severityMin"] = "info";
        body["channels"] = new JsonArray(new JsonObject { ["type"] = "webhook", ["url"] = _receiver.Url, ["secret"] = Secret });

        var response = await client.PostAsJsonAsync("/api/v1/notification-rules", body);

        var error = (await response.ReadEnvelopeAsync(status)).Errors().Single();
        Assert.That(error.Field(), Is.EqualTo(field));
        Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_notification_rules"), Is.Zero);
    }

    [Test]
    public async Task A_still_open_alert_is_told_again_after_the_repeat_interval_and_not_once_acknowledged()
    {
        await SubscribeAsync(_world.DistributorUser1, "warning", new { type = "webhook", url = _receiver.Url, secret = Secret }, repeatIntervalMinutes: 1);
        await AlertRuleAsync("warning");
        var repeats = _api.Services.GetRequiredService<NotificationRepeats>();

        await BreachAsync();
        await WaitForDeliveriesAsync("sent");
        await repeats.RunAsync(CancellationToken.None);
        var beforeTheInterval = await DeliveryCountAsync();
        await _database.ExecuteAsync("UPDATE alerts.alert_notifications SET created_at = created_at - interval '2 minutes'");
        await repeats.RunAsync(CancellationToken.None);
        await WaitForDeliveriesAsync("sent");
        var afterTheInterval = await DeliveryCountAsync();
        using (var client = ClientFor(_world.DistributorUser1))
        {
            await (await client.PostAsync($"/api/v1/alerts/{await AlertIdAsync()}/acknowledge", null)).ReadEnvelopeAsync(HttpStatusCode.OK);
        }

        await _database.ExecuteAsync("UPDATE alerts.alert_notifications SET created_at = created_at - interval '2 minutes'");
        await repeats.RunAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(beforeTheInterval, Is.EqualTo(1));
            Assert.That(afterTheInterval, Is.EqualTo(2));
            Assert.That(await DeliveryCountAsync(), Is.EqualTo(2), "an acknowledged alert is not repeated");
            Assert.That(_receiver.Deliveries.Select(d => JsonDocument.Parse(d.Body).RootElement.GetProperty("type").GetString()),
                Is.EqualTo(new[] { "alert.triggered", "alert.repeat" }));
        });
    }

    [Test]
    public async Task Webhooks_reach_no_loopback_or_private_address_unless_allowed()
    {
        using var refusing = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebhookAddresses.Connect(() => false) });
        using var allowing = new HttpClient(new SocketsHttpHandler { ConnectCallback = WebhookAddresses.Connect(() => true) });

        var refused = Assert.ThrowsAsync<HttpRequestException>(() => refusing.PostAsync(_receiver.Url, new StringContent("{}")));
        var allowed = await allowing.PostAsync(_receiver.Url, new StringContent("{}"));

        Assert.That(refused!.ToString(), Does.Contain("resolves to a private or local address"));
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_receiver.Deliveries, Has.Count.EqualTo(1), "the refused request never reached the receiver");
    }

    [Test]
    public async Task A_test_send_reaches_each_channel_signed_and_answers_how_each_receiver_took_it_storing_no_delivery()
    {
        using var client = ClientFor(_world.DistributorUser1);
        var created = await client.PostAsJsonAsync("/api/v1/notification-rules", new
        {
            severityMin = "warning", repeatIntervalMinutes = 0,
            channels = new object[]
            {
                new { type = "webhook", url = _receiver.Url, secret = Secret },
                new { type = "email" },
                new { type = "webhook", url = "http://127.0.0.1:9/nobody-listens", secret = Secret },
            },
        });
        var id = (await created.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetGuid();
        _receiver.FailFirst = 0;

        var response = await client.PostAsync($"/api/v1/notification-rules/{id}/test", null);

        var channels = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("channels").EnumerateArray().ToList();
        var delivery = _receiver.Deliveries.Single();
        var timestamp = long.Parse(delivery.Headers["X-Evara-Timestamp"], CultureInfo.InvariantCulture);
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{delivery.Body}")));
        using var body = JsonDocument.Parse(delivery.Body);
        Assert.Multiple(async () =>
        {
            Assert.That(delivery.Headers["X-Evara-Signature"], Is.EqualTo(expected), "signed as every delivery is");
            Assert.That(body.RootElement.GetProperty("type").GetString(), Is.EqualTo("test"));
            Assert.That(channels.Select(c => (c.GetProperty("type").GetString(), c.GetProperty("delivered").GetBoolean())),
                Is.EqualTo(new[] { ("webhook", true), ("email", true), ("webhook", false) }));
            Assert.That(channels[0].GetProperty("status").GetInt32(), Is.EqualTo(200));
            Assert.That(channels[0].GetProperty("answer").GetString(), Does.StartWith("200"));
            Assert.That(channels[1].GetProperty("target").GetString(), Is.EqualTo(_world.DistributorUser1.Email), "an email without an address goes to the rule's owner");
            Assert.That(_smtp.Messages.Single().Subject, Is.EqualTo("[TEST] EvaraTech alert notifications"));
            Assert.That(channels[2].GetProperty("answer").GetString(), Is.Not.Empty, "a receiver nobody runs is said to be unreachable");
            Assert.That(channels.Select(c => c.GetRawText()), Has.None.Contains(Secret), "the secret never comes back");
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_notifications"), Is.Zero, "a test stores no delivery");
            Assert.That(await _database.ScalarAsync<long>(
                "SELECT count(*) FROM audit.audit_logs WHERE action_type = 'ACCESS' AND resource_type = 'notification_rule' AND resource_id = @id", ("id", id.ToString())),
                Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Another_users_rule_cannot_be_tested_and_tests_are_limited_per_user()
    {
        // The superadmin has tested nothing yet in this fixture: the whole minute's allowance is theirs.
        using var owner = ClientFor(_world.Superadmin);
        using var other = ClientFor(_world.DistributorUser2);
        var created = await owner.PostAsJsonAsync("/api/v1/notification-rules", new { severityMin = "info", channels = new[] { new { type = "webhook", url = _receiver.Url, secret = Secret } } });
        var id = (await created.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetGuid();

        var foreign = await other.PostAsync($"/api/v1/notification-rules/{id}/test", null);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await owner.PostAsync($"/api/v1/notification-rules/{id}/test", null)).StatusCode);
        }

        await foreign.ReadEnvelopeAsync(HttpStatusCode.NotFound);
        Assert.That(statuses, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.OK, 5).Append(HttpStatusCode.TooManyRequests)));
        Assert.That(_receiver.Deliveries, Has.Count.EqualTo(5), "the refused test sent nothing");
    }

    [Test]
    public async Task Replacing_a_rule_without_its_webhooks_secret_keeps_the_stored_one_for_that_url_only()
    {
        using var client = ClientFor(_world.DistributorUser2);
        var created = await client.PostAsJsonAsync("/api/v1/notification-rules", new { severityMin = "info", channels = new[] { new { type = "webhook", url = _receiver.Url, secret = Secret } } });
        var id = (await created.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetGuid();

        async Task<HttpResponseMessage> ReplaceAsync(string url, string version)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/notification-rules/{id}")
            {
                Content = JsonContent.Create(new { severityMin = "critical", channels = new[] { new { type = "webhook", url, secret = (string?)null } } }),
            };
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(version));
            return await client.SendAsync(request);
        }

        var kept = await ReplaceAsync(_receiver.Url, "\"1\"");
        var elsewhere = await ReplaceAsync("http://127.0.0.1:9/other", "\"2\"");
        await (await client.PostAsync($"/api/v1/notification-rules/{id}/test", null)).ReadEnvelopeAsync(HttpStatusCode.OK);

        await kept.ReadEnvelopeAsync(HttpStatusCode.OK);
        var error = (await elsewhere.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single();
        var delivery = _receiver.Deliveries.Single();
        var timestamp = long.Parse(delivery.Headers["X-Evara-Timestamp"], CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(error.Field(), Is.EqualTo("channels[0].secret"), "a new url needs its own secret");
            Assert.That(delivery.Headers["X-Evara-Signature"],
                Is.EqualTo("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{delivery.Body}")))),
                "still signed with the secret given at creation");
        });
    }

    private HttpClient ClientFor(TestUser user)
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.For(user));
        return client;
    }

    private async Task SubscribeAsync(TestUser user, string severityMin, object channel, Guid[]? nodeIds = null, int repeatIntervalMinutes = 0)
    {
        using var client = ClientFor(user);
        var response = await client.PostAsJsonAsync("/api/v1/notification-rules", new { severityMin, nodeIds, channels = new[] { channel }, repeatIntervalMinutes });
        await response.ReadEnvelopeAsync(HttpStatusCode.Created);
    }

    /// <returns>the id of a rule of distributor user 1 for every severity with <paramref name="filter"/>'s criteria</returns>
    private async Task<Guid> FilteredRuleAsync(object filter)
    {
        using var client = ClientFor(_world.DistributorUser1);
        var body = JsonSerializer.SerializeToNode(filter, new JsonSerializerOptions(JsonSerializerDefaults.Web))!.AsObject();
        body["severityMin"] = "info";
        body["channels"] = new JsonArray(new JsonObject { ["type"] = "webhook", ["url"] = _receiver.Url, ["secret"] = Secret });
        var response = await client.PostAsJsonAsync("/api/v1/notification-rules", body);
        return (await response.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetGuid();
    }

    private async Task AlertRuleAsync(string severity)
    {
        using var client = ClientFor(_world.DistributorUser1);
        var response = await client.PostAsJsonAsync("/api/v1/alert-rules", new
        {
            name = "Tank low", nodeId = _scenario.Tank1, metric = "water_level_cm", @operator = "<", threshold = 50, severity, cooldownMinutes = 0,
        });
        await response.ReadEnvelopeAsync(HttpStatusCode.Created);
    }

    private Task BreachAsync() => AlertScenario.RecordAsync(_api, _scenario.Tank1, (20, DateTimeOffset.UtcNow));

    private async Task<Guid> AlertIdAsync() => await _database.ScalarAsync<Guid>("SELECT id FROM alerts.alert_history");

    private async Task<long> DeliveryCountAsync() => await _database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_notifications");

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "not within 30 s");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until no delivery is pending and at least one has <paramref name="status"/>.</summary>
    private async Task WaitForDeliveriesAsync(string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await _database.ScalarAsync<bool>(
                "SELECT NOT EXISTS (SELECT 1 FROM alerts.alert_notifications WHERE status = 'pending') AND EXISTS (SELECT 1 FROM alerts.alert_notifications WHERE status = @s)",
                ("s", status)))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"No delivery reached '{status}' within 30 s: " +
            await _database.ScalarAsync<string>("SELECT string_agg(status || ' ' || attempts || ' ' || coalesce(error_message, '-'), '; ') FROM alerts.alert_notifications"));
    }

    /// <summary>Hands the stored AlertRaised to its handlers again, as the outbox sweeper would after a crash.</summary>
    private async Task ReplayAlertRaisedAsync()
    {
        var payload = await _database.ScalarAsync<string>("SELECT payload::text FROM integration.outbox WHERE event_type = 'AlertRaised' ORDER BY occurred_at DESC LIMIT 1");
        var raised = JsonSerializer.Deserialize<AlertRaised>(payload!, OutboxDispatcher.Json)!;
        using var scope = _api.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        foreach (var handler in scope.ServiceProvider.GetServices<IIntegrationEventHandler<AlertRaised>>())
        {
            await handler.HandleAsync(raised, CancellationToken.None);
        }
    }
}
