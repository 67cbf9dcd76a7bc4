using System.Net;
using System.Text.Json.Nodes;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>ThingSpeak-compatible device updates: the write key is the credential, answers are ThingSpeak's.</summary>
public sealed class DevicePushTests : IntegrationTest
{
    private const string StoredLevels = "SELECT string_agg(water_level_cm::text, ',' ORDER BY \"timestamp\") FROM telemetry.telemetry_tank";

    /// <summary>
    /// The day the tests' dated entries fall on: two days ago, so they are never in the future, always inside retention
    /// and after the calibration (valid from the day before). A fixed date here once aged out of the calibration.
    /// </summary>
    private static readonly string Day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [SetUp]
    public Task ArrangeAsync() => TelemetryScenario.ArrangeChannelTankAsync(Database, new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-2), TimeSpan.Zero));

    [Test]
    public async Task An_update_with_the_write_key_stores_a_reading_through_the_pipeline()
    {
        var response = await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=1.5&field2=20");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<string>(StoredLevels), Is.EqualTo("85"), "mapped ×100, calibrated 0.5·x + 10");
    }

    /// <summary>
    /// The firmware a device runs arrives with its readings (ThingSpeak's status convention or a firmware parameter) and
    /// is recorded when it changes, as the device's change in the audit trail; what is not a version changes nothing.
    /// </summary>
    [Test]
    public async Task A_device_reports_its_firmware_in_its_status_or_a_parameter_and_each_change_is_recorded_once()
    {
        const string Firmware = "SELECT firmware_version FROM nodes.device_firmware WHERE node_id = @n";
        const string Changes = """
            SELECT string_agg((metadata -> 'changes' -> 'firmwareVersion' ->> 'from') || '>' || (metadata -> 'changes' -> 'firmwareVersion' ->> 'to')
                              || ' ' || (metadata ->> 'reported_by') || ' ' || coalesce(user_id::text, '-'), ', ' ORDER BY "timestamp")
            FROM audit.audit_logs WHERE resource_id = @n AND metadata ->> 'operation' = 'record_firmware'
            """;
        await Database.ExecuteAsync("INSERT INTO nodes.device_firmware (node_id, firmware_version) VALUES (@n, '1.0.0')", ("n", TelemetryScenario.Tank));

        var answers = new List<HttpResponseMessage>
        {
            await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=1.5&status=ok%20fw%3D1.4.2"),
            await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=1.6&status=fw%3D1.4.2"),
        };
        var afterStatus = await Database.ScalarAsync<string>(Firmware, ("n", TelemetryScenario.Tank));
        answers.Add(await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=1.7&firmware=%3Cscript%3E"));
        var afterGarbage = await Database.ScalarAsync<string>(Firmware, ("n", TelemetryScenario.Tank));
        answers.Add(await Client.PostAsync("/update", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = "WRITEKEY777001", ["field1"] = "1.8", ["firmware"] = "1.5.0",
        })));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(answers.Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.EqualTo(4), "every reading stored");
            Assert.That((afterStatus, afterGarbage), Is.EqualTo(("1.4.2", "1.4.2")));
            Assert.That(await Database.ScalarAsync<string>(Firmware, ("n", TelemetryScenario.Tank)), Is.EqualTo("1.5.0"));
            Assert.That(await Database.ScalarAsync<string>(Changes, ("n", TelemetryScenario.Tank.ToString())),
                Is.EqualTo("1.0.0>1.4.2 device -, 1.4.2>1.5.0 device -"), "one row per change, none for the repeat or the garbage");
        });
    }

    [Test]
    public async Task A_wrong_or_missing_key_is_refused_with_400_and_0_as_thingspeak_answers_and_stores_nothing()
    {
        var wrong = await Client.GetAsync("/update?api_key=WRITEKEY000000&field1=1.5");
        var missing = await Client.PostAsync("/update", new FormUrlEncodedContent(new Dictionary<string, string> { ["field1"] = "1.5" }));
        var wrongJson = await Client.GetAsync("/update.json?api_key=WRITEKEY000000&field1=1.5");

        Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await wrong.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await missing.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(wrongJson.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await wrongJson.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task A_right_key_with_nothing_storable_answers_200_and_0_and_keeps_the_reason()
    {
        var response = await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=abc");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(await Database.ScalarAsync<string>("SELECT source || ' ' || reason FROM telemetry.telemetry_rejections"),
            Is.EqualTo("push field1: 'abc' is not a number"));
    }

    /// <summary>PostgreSQL cannot store a NUL: the refused field is kept readable, and the good field's reading is not lost with it.</summary>
    [Test]
    public async Task A_field_holding_a_nul_byte_is_refused_and_kept_while_the_entrys_other_fields_are_stored()
    {
        var response = await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=1.5&field2=2%000");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Database.ScalarAsync<string>(StoredLevels), Is.EqualTo("85"));
        Assert.That(await Database.ScalarAsync<string>("SELECT payload->>'field2' FROM telemetry.telemetry_rejections"), Is.EqualTo("2\uFFFD0"), "the NUL kept as U+FFFD");
    }

    [Test]
    public async Task A_json_update_with_the_key_header_answers_its_entry()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/update.json")
        {
            Content = new StringContent($$"""{"field1": "2", "created_at": "{{Day}}T10:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("THINGSPEAKAPIKEY", "WRITEKEY777001");
        var first = await Client.SendAsync(request);
        var second = await Client.GetAsync("/update.json?api_key=WRITEKEY777001&field1=2.5");

        var answer = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.That((long)answer["entry_id"]!, Is.EqualTo(1));
        Assert.That((long)JsonNode.Parse(await second.Content.ReadAsStringAsync())!["entry_id"]!, Is.EqualTo(2));
        Assert.That(await Database.ScalarAsync<string>(StoredLevels), Is.EqualTo("110,135"));
    }

    [Test]
    public async Task An_oversized_update_is_413_and_stores_nothing()
    {
        var body = new FormUrlEncodedContent(new Dictionary<string, string> { ["api_key"] = "WRITEKEY777001", ["field1"] = "1", ["status"] = new string('x', 10_000) });

        var response = await Client.PostAsync("/update", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task A_bulk_update_stores_every_entry_at_its_time()
    {
        var response = await Client.PostAsync("/channels/777001/bulk_update.json", Json($$"""
            {"write_api_key": "WRITEKEY777001", "updates": [
                {"created_at": "{{Day}}T08:00:00Z", "field1": "1"},
                {"delta_t": 60, "field1": 2},
                {"created_at": "{{Day}} 08:05:00", "field1": "3", "status": "ok"}
            ]}
            """));

        var answer = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), answer);
        Assert.That(JsonNode.Parse(answer)!["success"]!.GetValue<bool>(), Is.True);
        Assert.That(await Database.ScalarAsync<string>("""
            SELECT string_agg(to_char("timestamp" AT TIME ZONE 'UTC', 'HH24:MI') || '=' || water_level_cm, ',' ORDER BY "timestamp") FROM telemetry.telemetry_tank
            """), Is.EqualTo("08:00=60,08:01=110,08:05=160"));
        Assert.That(await Database.ScalarAsync<long>("SELECT last_entry_id FROM telemetry.push_sequences"), Is.EqualTo(3), "pushes number their own entries");
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.ingestion_cursors"), Is.Zero, "and never move the poll cursor");
    }

    [Test]
    public async Task A_bulk_update_of_relative_entries_ends_at_the_time_of_the_request()
    {
        var response = await Client.PostAsync("/channels/777001/bulk_update.json", Json("""
            {"write_api_key": "WRITEKEY777001", "updates": [{"delta_t": 0, "field1": "1"}, {"delta_t": 120, "field1": "2"}]}
            """));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await Database.ScalarAsync<bool>("""
            SELECT max("timestamp") - min("timestamp") = interval '120 seconds' AND max("timestamp") > now() - interval '1 minute'
            FROM telemetry.telemetry_tank
            """), Is.True);
    }

    [Test]
    public async Task A_bulk_update_with_a_wrong_key_or_another_channels_key_is_401_and_stores_nothing()
    {
        await NodeBuilder.Existing(TelemetryScenario.Flow).WithChannel(777002, writeKey: "WRITEKEY777002").InsertAsync(Database);
        var updates = $$"""[{"created_at": "{{Day}}T08:00:00Z", "field1": "1"}]""";

        var wrong = await Client.PostAsync("/channels/777001/bulk_update.json", Json($$"""{"write_api_key": "WRITEKEY000000", "updates": {{updates}}}"""));
        var other = await Client.PostAsync("/channels/777001/bulk_update.json", Json($$"""{"write_api_key": "WRITEKEY777002", "updates": {{updates}}}"""));

        Assert.That((await wrong.ReadEnvelopeAsync(HttpStatusCode.Unauthorized)).Errors()[0].Field(), Is.EqualTo("write_api_key"));
        Assert.That((await other.ReadEnvelopeAsync(HttpStatusCode.Unauthorized)).Errors()[0].Field(), Is.EqualTo("write_api_key"));
        Assert.That(await Database.ScalarAsync<long>("SELECT (SELECT count(*) FROM telemetry.telemetry_tank) + (SELECT count(*) FROM telemetry.telemetry_flow)"), Is.Zero);
    }

    [Test]
    public async Task A_bulk_update_with_a_bad_time_names_the_entry_and_stores_nothing()
    {
        var response = await Client.PostAsync("/channels/777001/bulk_update.json", Json($$"""
            {"write_api_key": "WRITEKEY777001", "updates": [{"created_at": "{{Day}}T08:00:00Z", "field1": "1"}, {"created_at": "yesterday", "field1": "2"}]}
            """));
        var relativeFirst = await Client.PostAsync("/channels/777001/bulk_update.json", Json($$"""
            {"write_api_key": "WRITEKEY777001", "updates": [{"delta_t": 5, "field1": "1"}, {"created_at": "{{Day}}T08:00:00Z", "field1": "2"}]}
            """));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors()[0].Field(), Is.EqualTo("updates[1].created_at"));
        Assert.That((await relativeFirst.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors()[0].Field(), Is.EqualTo("updates"));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task An_oversized_bulk_update_is_413()
    {
        var updates = string.Join(",", Enumerable.Range(0, 9_000).Select(i => $$"""{"delta_t": 1, "field1": "{{i}}", "status": "padding padding padding"}"""));

        var response = await Client.PostAsync("/channels/777001/bulk_update.json", Json($$"""{"write_api_key": "WRITEKEY777001", "updates": [{{updates}}]}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task Concurrent_updates_of_one_device_get_distinct_entry_ids()
    {
        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            using var client = Platform.Api.CreateClient();
            var at = DateTimeOffset.UtcNow.AddMinutes(-30).AddSeconds(i).ToString("O");
            return await (await client.GetAsync($"/update?api_key=WRITEKEY777001&field1=1&created_at={Uri.EscapeDataString(at)}")).Content.ReadAsStringAsync();
        }));

        Assert.That(answers.Select(long.Parse).Order(), Is.EqualTo(Enumerable.Range(1, 12).Select(i => (long)i)));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.EqualTo(12));
    }

    private static StringContent Json(string body) => new(body, System.Text.Encoding.UTF8, "application/json");
}
