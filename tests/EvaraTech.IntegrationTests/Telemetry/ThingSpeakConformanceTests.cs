using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Telemetry.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The poller against channels that behave as real ThingSpeak channels do, served by <see cref="FakeThingSpeak"/> over
/// real HTTP and read through the platform's own client: refused entries, pushes, resets, slow and late entries,
/// rate limits and errors never cost a stored reading, and every refusal keeps its reason.
/// </summary>
[NonParallelizable]
public sealed class ThingSpeakConformanceTests : TenantWorldTest
{
    private FakeThingSpeak _thingSpeak = null!;
    private ApiFactory _poller = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _thingSpeak = await FakeThingSpeak.StartAsync();
        _poller = ApiFactory.For(Database, new Dictionary<string, string?>
        {
            ["ThingSpeak:BaseUrl"] = _thingSpeak.BaseAddress.ToString(),
            ["ThingSpeak:AttemptTimeoutSeconds"] = "1",
            ["ThingSpeak:TotalTimeoutSeconds"] = "3",
            ["ThingSpeak:RetryDelaySeconds"] = "0.1",
            ["Polling:IntervalSeconds"] = "1",
            ["Polling:BackfillHours"] = "192",
            ["Polling:LookbackMinutes"] = "60",
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _poller.DisposeAsync();
        await _thingSpeak.DisposeAsync();
    }

    /// <summary>Now to the second, as ThingSpeak stores times.</summary>
    private static DateTimeOffset Now => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    [Test]
    public async Task A_refused_future_entry_never_stops_the_channel()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_001));
        node.Channel.Add(Level(1, Now.AddMinutes(-10), "100"), Level(2, Now.AddHours(24), "110"));
        await CycleAsync();
        node.Channel.Add(Level(3, Now.AddSeconds(-30), "120"));
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleAsync();

        Assert.That(await node.StoredLevelsAsync(), Is.EqualTo("100,120"), "the entry after the refused one is stored");
        Assert.That(await node.RejectionsAsync(), Does.Contain("2: timestamp").And.Contain("in the future"));
        Assert.That(await Database.ScalarAsync<bool>($"SELECT read_until <= now() FROM telemetry.ingestion_cursors WHERE node_id = '{node.Id}'"), Is.True,
            "the cursor never moves past the present");
    }

    [Test]
    public async Task A_push_from_the_future_leaves_the_poll_going()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_002), "WRITEKEY4100002");
        var ahead = Uri.EscapeDataString(Now.AddHours(2).ToString("O", CultureInfo.InvariantCulture));
        var push = await Client.GetAsync($"/update?api_key=WRITEKEY4100002&field1=90&created_at={ahead}");
        node.Channel.Add(Level(1, Now.AddMinutes(-1), "100"));
        await CycleAsync();

        Assert.That(await push.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(await node.StoredLevelsAsync(), Is.EqualTo("100"));
    }

    [Test]
    public async Task Pushes_to_a_polled_node_never_move_its_poll_cursor()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_003), "WRITEKEY4100003");
        node.Channel.Add(Level(1, Now.AddMinutes(-20), "100"), Level(2, Now.AddMinutes(-19), "101"), Level(3, Now.AddMinutes(-18), "102"));
        await CycleAsync();

        var single = await Client.GetAsync($"/update?api_key=WRITEKEY4100003&field1=200&created_at={Uri.EscapeDataString(Now.AddMinutes(-17).ToString("O"))}");
        var bulk = await Client.PostAsync("/channels/4100003/bulk_update.json", new StringContent($$"""
            {"write_api_key": "WRITEKEY4100003", "updates": [{{string.Join(",", Enumerable.Range(0, 30).Select(i => $$"""{"delta_t": 1, "field1": "{{300 + i}}"}"""))}}]}
            """, System.Text.Encoding.UTF8, "application/json"));
        // ThingSpeak serves the channel's next entries only now.
        node.Channel.Add(Level(4, Now.AddMinutes(-5), "103"), Level(5, Now.AddMinutes(-4), "104"), Level(6, Now.AddMinutes(-3), "105"));
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleAsync();

        Assert.That(await single.Content.ReadAsStringAsync(), Is.EqualTo("1"), "pushes count their own ids");
        Assert.That(bulk.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{node.Id}' AND water_level_cm BETWEEN 100 AND 105"),
            Is.EqualTo(6), "every polled entry, also those ThingSpeak served after the pushes");
        Assert.That(await Database.ScalarAsync<long>($"SELECT last_entry_id FROM telemetry.ingestion_cursors WHERE node_id = '{node.Id}'"), Is.EqualTo(6));
        Assert.That(await Database.ScalarAsync<long>($"SELECT last_entry_id FROM telemetry.push_sequences WHERE node_id = '{node.Id}'"), Is.EqualTo(31));
    }

    [Test]
    public async Task A_cleared_channel_is_detected_reported_and_read_again()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_004));
        node.Channel.Add([.. Enumerable.Range(1, 5).Select(i => Level(i, Now.AddMinutes(-30 + i), $"{100 + i}"))]);
        await CycleAsync();
        node.Channel.Clear();
        node.Channel.Add([.. Enumerable.Range(1, 3).Select(i => Level(i, Now.AddMinutes(-5 + i), $"{200 + i}"))]);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleAsync();

        Assert.That(await node.StoredLevelsAsync(), Is.EqualTo("101,102,103,104,105,201,202,203"));
        Assert.That(await Database.ScalarAsync<long>($"SELECT last_entry_id FROM telemetry.ingestion_cursors WHERE node_id = '{node.Id}'"), Is.EqualTo(3));
        var sources = await SourcesAsync(node);
        Assert.That((string?)sources["poll"]!["lastReset"], Does.Contain("entry ids restarted").And.Contain("below the 5 already read"));
        Assert.That(sources["poll"]!["lastResetAt"], Is.Not.Null);
    }

    [Test]
    public async Task A_cleared_channel_whose_new_ids_already_passed_the_cursor_is_still_detected()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_013));
        node.Channel.Add([.. Enumerable.Range(1, 3).Select(i => Level(i, Now.AddMinutes(-30 + i), $"{100 + i}"))]);
        await CycleAsync();
        node.Channel.Clear();
        node.Channel.Add([.. Enumerable.Range(1, 6).Select(i => Level(i, Now.AddMinutes(-10 + i), $"{200 + i}"))]);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleAsync();

        Assert.That(await node.StoredLevelsAsync(), Is.EqualTo("101,102,103,201,202,203,204,205,206"), "ids 1 to 3 of the new feed too");
        Assert.That((string?)(await SourcesAsync(node))["poll"]!["lastReset"], Does.Contain("entry 3 is now at"));
    }

    [Test]
    public async Task A_feed_far_behind_is_read_on_from_its_cursor_so_small_pages_still_gain_on_the_present()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_014));
        node.Channel.Add([.. Enumerable.Range(1, 300).Select(i => Level(i, Now.AddMinutes(-301 + i), $"{i + 10}"))]);
        // Read up to five hours ago in pages of 100; the hour of look-back alone would take most of a poll's reads.
        await node.ReadUntilAsync(TimeSpan.FromMinutes(301), pageSize: 100);

        await CycleAsync();

        Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{node.Id}'"), Is.EqualTo(300));
        Assert.That(node.Channel.ResultsAsked.Sum(), Is.LessThan(100 * 12), "no window read twice over");
    }

    [Test]
    public async Task A_channel_too_slow_for_a_full_page_back_fills_with_smaller_pages()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_005));
        node.Channel.Add([.. Enumerable.Range(1, 600).Select(i => Level(i, Now.AddMinutes(-601 + i), $"{i % 400 + 10}"))]);
        // 0.6 ms per entry asked: 8,000 take 4.8 s and 2,000 take 1.2 s, past the 1 s attempt timeout; 1,000 take 0.6 s.
        node.Channel.MillisecondsPerEntry = 0.6;

        var cycles = new List<PollCycleReport>();
        for (var i = 0; i < 4; i++)
        {
            cycles.Add(await CycleAsync());
            await Task.Delay(TimeSpan.FromSeconds(1.1));
        }

        Assert.That(cycles.Select(c => c.Failed), Is.EqualTo(new[] { 1, 1, 1, 0 }), "each timeout ends its poll; the next asks for half");
        Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{node.Id}'"), Is.EqualTo(600));
        Assert.That(node.Channel.ResultsAsked.Distinct(), Is.EqualTo(new[] { 8000, 4000, 2000, 1000 }));
        Assert.That(await Database.ScalarAsync<string>($"SELECT consecutive_failures || ' ' || page_size FROM telemetry.poll_schedule JOIN telemetry.ingestion_cursors USING (node_id) WHERE node_id = '{node.Id}'"),
            Is.EqualTo("0 1000"));
    }

    [Test]
    public async Task A_window_holding_more_than_a_page_is_split_so_no_entry_is_cut()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_006));
        node.Channel.Add([.. Enumerable.Range(1, 250).Select(i => Level(i, Now.AddMinutes(-251 + i), $"{i + 10}"))]);
        await node.ReadUntilAsync(TimeSpan.FromMinutes(300), pageSize: 100);

        await CycleAsync();

        Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{node.Id}'"), Is.EqualTo(250));
        Assert.That(node.Channel.ResultsAsked, Has.Count.GreaterThan(3), "read in several windows of at most 100 entries");
        Assert.That(await Database.ScalarAsync<int>($"SELECT page_size FROM telemetry.ingestion_cursors WHERE node_id = '{node.Id}'"), Is.EqualTo(200),
            "full pages without a timeout grow the page back");
    }

    [Test]
    public async Task A_late_entry_with_an_older_time_is_read_within_the_look_back()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_007));
        node.Channel.Add([.. Enumerable.Range(1, 10).Select(i => Level(i, Now.AddMinutes(-11 + i), $"{100 + i}"))]);
        await CycleAsync();
        // A device uploads its buffer: ThingSpeak gives it the next id and the time the device measured it.
        node.Channel.Add(Level(11, Now.AddMinutes(-40), "50"));
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var second = await CycleAsync();

        Assert.That(second.Stored, Is.EqualTo(1));
        Assert.That(await node.StoredLevelsAsync(), Does.StartWith("50,101"));
    }

    [Test]
    public async Task A_failing_channel_shows_its_error_on_the_node_and_its_sources()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_008));
        node.Channel.Failure = (500, """{"status":"500","error":{"error_code":"error_internal","message":"Something went wrong on our side"}}""");

        await CycleAsync();

        using var client = ClientWith(Tokens.For(World.Superadmin));
        var details = JsonNode.Parse(await client.GetStringAsync($"/api/v1/nodes/{node.Id}"))!["data"]!;
        Assert.That((string?)details["state"]!["lastError"], Is.EqualTo("channel 4100008: HTTP 500: Something went wrong on our side"));
        Assert.That((int)details["state"]!["consecutiveFailures"]!, Is.EqualTo(1));
        var poll = (await SourcesAsync(node))["poll"]!;
        Assert.That((string?)poll["lastError"], Does.Contain("HTTP 500"));
        Assert.That((int)poll["consecutiveFailures"]!, Is.EqualTo(1));
        Assert.That(poll["lastSuccessAt"], Is.Null);
        Assert.That(poll.ToJsonString(), Does.Not.Contain("FAKEREADKEY"), "the read key never reaches an operator");
    }

    [TestCase("-1", 400, "no access")]
    [TestCase("-1", 404, "not found")]
    public async Task ThingSpeaks_minus_one_answers_read_as_what_they_mean(string body, int status, string meaning)
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_009 + status));
        node.Channel.Failure = (status, body);

        var cycle = await CycleAsync();

        Assert.That(cycle.Failed, Is.EqualTo(1));
        Assert.That((string?)(await SourcesAsync(node))["poll"]!["lastError"], Does.Contain(meaning));
    }

    [Test]
    public async Task A_retry_after_given_as_a_date_is_not_waited_out_but_respected()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_010));
        node.Channel.TooManyRequestsLeft = 10;
        node.Channel.RetryAfter = Now.AddSeconds(90).ToString("R", CultureInfo.InvariantCulture);

        var cycle = await CycleAsync();

        Assert.That(cycle.Failed, Is.EqualTo(1));
        Assert.That(cycle.Duration, Is.LessThan(TimeSpan.FromSeconds(3)), "not waited out inside the read");
        Assert.That(node.Channel.Requests, Is.EqualTo(1), "a long wait is not retried at once");
        Assert.That((string?)(await SourcesAsync(node))["poll"]!["lastError"], Does.Contain("rate limited"));
        Assert.That(await Database.ScalarAsync<bool>($"SELECT next_poll_at > now() + interval '60 seconds' FROM telemetry.poll_schedule WHERE node_id = '{node.Id}'"),
            Is.True, "due again only after the date");
    }

    [Test]
    public async Task A_push_only_node_is_never_polled()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_011), "WRITEKEY4100011");
        var configured = await PutChannelAsync(node, """
            {"channelId": 4100011, "source": "pushed", "mappings": [{"field": "field1", "canonicalField": "water_level_cm"}]}
            """);

        var cycle = await CycleAsync();
        var push = await Client.GetAsync("/update?api_key=WRITEKEY4100011&field1=120");

        Assert.That(configured.StatusCode, Is.EqualTo(HttpStatusCode.OK), await configured.Content.ReadAsStringAsync());
        Assert.That((string?)JsonNode.Parse(await configured.Content.ReadAsStringAsync())!["data"]!["channel"]!["source"], Is.EqualTo("pushed"));
        Assert.That(node.Channel.Requests, Is.Zero);
        Assert.That(cycle.Scheduled, Is.Zero);
        Assert.That(await push.Content.ReadAsStringAsync(), Is.EqualTo("1"));
    }

    [Test]
    public async Task An_unknown_source_is_refused_naming_the_field()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_012));
        var response = await PutChannelAsync(node, """{"channelId": 4100012, "source": "sometimes"}""");

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors()[0].Field(), Is.EqualTo("source"));
    }

    /// <summary>
    /// A week of a channel with every quirk real feeds show, read as a poller meets it: the back-fill, then live
    /// entries with a late one and a future one, then a cleared channel. Every valid entry is stored once, every other
    /// one is refused with a reason, and the poller ends current.
    /// </summary>
    [Test]
    public async Task A_week_of_a_quirky_channel_loses_nothing_and_stores_nothing_twice()
    {
        var node = await ChannelNodes.ArrangeTankAsync(Database, _thingSpeak.Channel(4_100_020));
        var start = Now.AddDays(-7);
        var served = new List<(FakeEntry Entry, bool Valid)>();
        void Serve(FakeEntry entry, bool valid)
        {
            served.Add((entry, valid));
            node.Channel.Add(entry);
        }

        for (var i = 1; i <= 1008; i++)
        {
            var at = start.AddMinutes(10 * i);
            var level = (100 + i % 300).ToString(CultureInfo.InvariantCulture);
            switch (i % 12)
            {
                case 1: Serve(FakeEntry.Of(i, at, ("field1", level + "\r\n"), ("field2", "24.5 ")), true); break;
                case 2: Serve(FakeEntry.Of(i, at, ("field1", null), ("field2", "24.5")), false); break;
                case 3: Serve(FakeEntry.Of(i, at, ("field2", "24.5")), false); break;
                case 4: Serve(FakeEntry.Of(i, at, ("field1", ""), ("field3", "3.7")), false); break;
                case 5: Serve(new FakeEntry(i, at, new Dictionary<string, string> { ["field1"] = level, ["field3"] = "3.70" }), true); break;
                case 6: Serve(FakeEntry.Of(i, at, ("field1", level), ("field2", "-127")) with { Offset = TimeSpan.FromHours(-5) }, true); break;
                case 7: Serve(FakeEntry.Of(i, at, ("field1", level), ("field3", "nan")) with { Offset = new TimeSpan(5, 30, 0) }, true); break;
                case 8: Serve(FakeEntry.Of(i, at, ("field1", "abc")), false); break;
                case 9: Serve(FakeEntry.Of(i, at, ("field1", "-1")), false); break;
                default: Serve(FakeEntry.Of(i, at, ("field1", level + ".00000")), true); break;
            }
        }

        await CycleUntilCurrentAsync();

        var id = 1009L;
        for (var i = 0; i < 20; i++)
        {
            Serve(FakeEntry.Of(id++, Now.AddSeconds(-120 + i * 5), ("field1", $"{500 + i}")), true);
        }

        Serve(FakeEntry.Of(id++, Now.AddMinutes(-45), ("field1", "55")), true);
        Serve(FakeEntry.Of(id++, Now.AddHours(24), ("field1", "56")), false);
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleUntilCurrentAsync();

        node.Channel.Clear();
        for (var i = 1; i <= 10; i++)
        {
            Serve(FakeEntry.Of(i, Now.AddSeconds(-60 + i * 3), ("field1", $"{700 + i}")), true);
        }

        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleUntilCurrentAsync();

        var stored = await node.StoredTimesAsync();
        var valid = served.Where(s => s.Valid).Select(s => s.Entry.CreatedAt.UtcDateTime).ToHashSet();
        var refusedWhole = await Database.ScalarAsync<long>($"""
            SELECT count(DISTINCT (entry_id, entry_timestamp)) FROM telemetry.telemetry_rejections r
            WHERE node_id = '{node.Id}' AND NOT EXISTS (SELECT 1 FROM telemetry.telemetry_tank t WHERE t.node_id = r.node_id AND t."timestamp" = r.entry_timestamp)
            """);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(stored, Is.EquivalentTo(valid), "every valid entry stored: 0 lost");
            Assert.That(stored, Is.Unique, "0 stored twice");
            Assert.That(refusedWhole, Is.EqualTo(served.Count(s => !s.Valid)), "every other entry refused, each with its reason");
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_rejections WHERE node_id = '{node.Id}' AND source_field = 'field2'"),
                Is.EqualTo(84), "the -127 temperatures refused as a field, their entries kept");
            Assert.That(await Database.ScalarAsync<string>($"SELECT last_entry_id || ' ' || (read_until > now() - interval '1 minute') FROM telemetry.ingestion_cursors WHERE node_id = '{node.Id}'"),
                Is.EqualTo("10 true"), "the poller is current at the end");
        });
    }

    private async Task CycleUntilCurrentAsync()
    {
        for (var i = 0; i < 5; i++)
        {
            var cycle = await CycleAsync();
            if (cycle.Polled > 0 && cycle.Failed == 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(1.1));
        }

        Assert.Fail("the poller did not get current");
    }

    private static FakeEntry Level(long id, DateTimeOffset at, string level) => FakeEntry.Of(id, at, ("field1", level));

    private Task<PollCycleReport> CycleAsync() => _poller.Services.GetRequiredService<ThingSpeakPolling>().RunAsync(CancellationToken.None);

    /// <summary>Configures the node's channel as a superadmin would, at its current version.</summary>
    private async Task<HttpResponseMessage> PutChannelAsync(ChannelNode node, string body)
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var etag = (await client.GetAsync($"/api/v1/nodes/{node.Id}")).Headers.ETag!.Tag;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/nodes/{node.Id}/channel")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue(etag));
        return await client.SendAsync(request);
    }

    private async Task<JsonNode> SourcesAsync(ChannelNode node)
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));
        var response = await client.GetAsync($"/api/v1/nodes/{node.Id}/sources");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!;
    }
}
