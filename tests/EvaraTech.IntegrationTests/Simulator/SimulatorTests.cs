using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using EvaraTech.Demo;
using EvaraTech.Simulator.Faults;

namespace EvaraTech.IntegrationTests.Simulator;

/// <summary>
/// The simulator answers as ThingSpeak's read API does, gives the same values for the same instants, and its fault
/// knobs do what the poller's resilience tests will rely on. No database: a plain fixture.
/// </summary>
[NonParallelizable]
public sealed class SimulatorTests
{
    private const long Tank = DemoCatalogue.FirstChannelId;        // demo node 1, six fields
    private const long Flow = DemoCatalogue.FirstChannelId + 6;    // demo node 7, four fields
    private const long Deep = DemoCatalogue.FirstChannelId + 9;    // demo node 10, six fields
    private const int ExtraChannels = 300;

    private SimulatorServer _simulator = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _simulator = await SimulatorServer.StartAsync("--channels", ExtraChannels.ToString(CultureInfo.InvariantCulture));

    [OneTimeTearDown]
    public async Task StopAsync() => await _simulator.DisposeAsync();

    [SetUp]
    public Task ResetAsync() => _simulator.ResetAsync();

    [Test]
    public async Task Feeds_have_thingspeak_shape_ascending_string_values_and_only_the_channels_fields()
    {
        var flow = await FeedsAsync(Flow, "results=200");
        var channel = flow["channel"]!.AsObject();
        var feeds = flow["feeds"]!.AsArray();

        Assert.Multiple(() =>
        {
            Assert.That((long)channel["id"]!, Is.EqualTo(Flow));
            Assert.That(channel.Select(p => p.Key), Is.SupersetOf(new[] { "name", "field1", "field4", "created_at", "updated_at", "last_entry_id" }));
            Assert.That(channel.ContainsKey("field5"), Is.False, "a flow channel has four fields");
            Assert.That((string?)channel["field2"], Is.EqualTo("cumulative_volume_liters"));
            Assert.That(feeds, Has.Count.EqualTo(200), "default window has far more than 200 entries");
            Assert.That((long)feeds[^1]!["entry_id"]!, Is.EqualTo((long)channel["last_entry_id"]!));
        });

        var times = feeds.Select(f => DateTimeOffset.Parse((string)f!["created_at"]!, CultureInfo.InvariantCulture)).ToList();
        var ids = feeds.Select(f => (long)f!["entry_id"]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(times, Is.Ordered.Ascending.And.Unique);
            Assert.That(ids, Is.Ordered.Ascending.And.Unique);
            Assert.That(feeds.Select(f => (string)f!["created_at"]!), Has.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$"));
            foreach (var entry in feeds.Select(f => f!.AsObject()))
            {
                Assert.That(entry.Select(p => p.Key), Is.EqualTo(new[] { "created_at", "entry_id", "field1", "field2", "field3", "field4" }));
                Assert.That(entry.Where(p => p.Key.StartsWith("field", StringComparison.Ordinal)).Select(p => p.Value?.GetValueKind() ?? JsonValueKind.Null),
                    Has.All.AnyOf(JsonValueKind.String, JsonValueKind.Null));
            }
        });
    }

    [Test]
    public async Task Results_default_to_100_cap_at_8000_and_are_the_last_of_the_range()
    {
        var end = Past(hoursAgo: 2);
        var fifty = (await FeedsAsync(Tank, $"results=50&end={end}"))["feeds"]!.AsArray();
        var five = (await FeedsAsync(Tank, $"results=5&end={end}"))["feeds"]!.AsArray();
        var standard = (await FeedsAsync(Tank, $"end={end}"))["feeds"]!.AsArray();
        var huge = (await FeedsAsync(Tank, "results=100000"))["feeds"]!.AsArray();

        Assert.Multiple(() =>
        {
            Assert.That(standard, Has.Count.EqualTo(100));
            Assert.That(huge, Has.Count.EqualTo(8_000), "seven days at one a minute hold more than 8,000 entries");
            Assert.That(five.Select(f => f!.ToJsonString()), Is.EqualTo(fifty.Skip(45).Select(f => f!.ToJsonString())), "the last five of the range");
            Assert.That(DateTimeOffset.Parse((string)five[^1]!["created_at"]!, CultureInfo.InvariantCulture),
                Is.LessThanOrEqualTo(DateTimeOffset.Parse(end.Replace("%20", " ", StringComparison.Ordinal), CultureInfo.InvariantCulture)));
        });
    }

    [Test]
    public async Task Start_and_end_accept_thingspeak_format_and_iso_8601()
    {
        var day = DateTimeOffset.UtcNow.Date.AddDays(-1);
        var thingSpeak = await FeedsAsync(Deep, $"start={day:yyyy-MM-dd}%2010:00:00&end={day:yyyy-MM-dd}%2010:30:00&results=8000");
        var iso = await FeedsAsync(Deep, $"start={day:yyyy-MM-dd}T10:00:00Z&end={day:yyyy-MM-dd}T10:30:00Z&results=8000");
        var times = thingSpeak["feeds"]!.AsArray().Select(f => DateTime.Parse((string)f!["created_at"]!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(times, Has.Count.InRange(25, 31), "one a minute, a dropout now and then");
            Assert.That(times, Has.All.InRange(day.AddHours(10), day.AddHours(10.5)));
            Assert.That(thingSpeak["feeds"]!.ToJsonString(), Is.EqualTo(iso["feeds"]!.ToJsonString()));
        });
    }

    [Test]
    public async Task Minutes_reach_back_from_now()
    {
        var feeds = (await FeedsAsync(Flow, "minutes=10&results=8000"))["feeds"]!.AsArray();
        var times = feeds.Select(f => DateTimeOffset.Parse((string)f!["created_at"]!, CultureInfo.InvariantCulture)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(times, Has.Count.InRange(7, 11));
            Assert.That(times, Has.All.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-11)));
        });
    }

    [Test]
    public async Task Faults_given_at_start_are_in_force_from_the_first_request()
    {
        await using var failing = await SimulatorServer.StartAsync("--error-rate", "1", "--Simulator:Faults:1:ChannelId", Flow.ToString(CultureInfo.InvariantCulture));

        var global = await failing.Client.GetAsync(new Uri($"/channels/{Tank}/feeds.json?api_key={Key(Tank)}", UriKind.Relative));
        var ownSet = await failing.Client.GetAsync(new Uri($"/channels/{Flow}/feeds.json?api_key={Key(Flow)}", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(global.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(ownSet.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a channel's own (empty) set replaces the global one");
        });
    }

    [Test]
    public async Task Wrong_or_missing_key_is_400_minus_one_and_unknown_channel_404_minus_one()
    {
        var wrongKey = await _simulator.Client.GetAsync(new Uri($"/channels/{Tank}/feeds.json?api_key=DEMOREADKEY00002", UriKind.Relative));
        var noKey = await _simulator.Client.GetAsync(new Uri($"/channels/{Tank}/feeds/last.json", UriKind.Relative));
        var unknown = await _simulator.Client.GetAsync(new Uri("/channels/12345/feeds.json?api_key=x", UriKind.Relative));

        Assert.Multiple(async () =>
        {
            Assert.That(wrongKey.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await wrongKey.Content.ReadAsStringAsync(), Is.EqualTo("-1"));
            Assert.That(noKey.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await noKey.Content.ReadAsStringAsync(), Is.EqualTo("-1"));
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await unknown.Content.ReadAsStringAsync(), Is.EqualTo("-1"));
        });
    }

    [Test]
    public async Task Same_request_gives_the_same_body_and_last_json_is_the_newest_entry()
    {
        var query = $"results=500&end={Past(hoursAgo: 30)}";
        var first = await RawFeedsAsync(Tank, query);
        var second = await RawFeedsAsync(Tank, query);
        var last = JsonNode.Parse(await _simulator.Client.GetStringAsync(new Uri($"/channels/{Deep}/feeds/last.json?api_key={Key(Deep)}", UriKind.Relative)))!;

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(first));
            Assert.That(DateTimeOffset.Parse((string)last["created_at"]!, CultureInfo.InvariantCulture),
                Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5)), "a reading every minute up to now");
            Assert.That((string?)last["field3"], Is.AnyOf("running", "stopped", null));
        });
    }

    [Test]
    public async Task Counters_only_go_down_at_a_flow_meter_reset_to_zero()
    {
        // Every flow meter, demo and synthetic (every third extra channel from the second), over its last 8,000
        // minutes: a meter resets every 20–40 days, so a hundred meters show several resets.
        var flowChannels = DemoCatalogue.Nodes.Where(n => n.AnalyticsType == DemoTypes.Flow).Select(n => n.ChannelId)
            .Concat(Enumerable.Range(0, ExtraChannels / 3).Select(i => 3_000_001L + 3 * i));
        var resets = 0;
        foreach (var channel in flowChannels)
        {
            var counter = await SeriesAsync(channel, "field2");
            for (var i = 1; i < counter.Count; i++)
            {
                if (counter[i] < counter[i - 1])
                {
                    resets++;
                    Assert.That(counter[i], Is.Zero, $"channel {channel}: a counter only drops when it resets");
                }
            }
        }

        var energy = await SeriesAsync(Deep, "field6");
        Assert.Multiple(() =>
        {
            Assert.That(resets, Is.GreaterThan(0), "the window holds resets, so the check above is not vacuous");
            Assert.That(energy, Is.Ordered.Ascending, "a pump's energy counter never goes down");
            Assert.That(energy[^1], Is.GreaterThan(energy[0]), "and the pump ran");
        });
    }

    [Test]
    public async Task Latency_delays_only_its_channel()
    {
        await RawFeedsAsync(Flow, "results=1"); // warm up the route
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = Tank, LatencyMs = 800 });

        var slow = await TimeAsync(() => RawFeedsAsync(Tank, "results=1"));
        var fast = await TimeAsync(() => RawFeedsAsync(Flow, "results=1"));

        Assert.Multiple(() =>
        {
            // Timers may fire a few milliseconds early against the stopwatch.
            Assert.That(slow, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(750)));
            Assert.That(fast, Is.LessThan(TimeSpan.FromMilliseconds(400)));
        });
    }

    [Test]
    public async Task Error_rate_answers_500_for_that_share_of_requests()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ErrorRate = 0.5 });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            statuses.Add((await GetAsync(Flow, "results=1")).StatusCode);
        }

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.InternalServerError), Is.InRange(70, 130));
            Assert.That(statuses, Has.All.AnyOf(HttpStatusCode.InternalServerError, HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Too_many_requests_is_429_with_retry_after_and_clears()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = Deep, TooManyRequests = 1, RetryAfterSeconds = 7 });
        var limited = await GetAsync(Deep, "results=1");
        await _simulator.ResetAsync();
        var cleared = await GetAsync(Deep, "results=1");

        Assert.Multiple(() =>
        {
            Assert.That(limited.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(limited.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(cleared.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task Malformed_json_does_not_parse()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = Tank, MalformedJson = true });

        var response = await GetAsync(Tank, "results=10");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(() => JsonDocument.Parse(body), Throws.InstanceOf<JsonException>());
        });
    }

    [Test]
    public async Task A_stalled_channel_trips_the_client_timeout_without_holding_up_others()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = Tank, StallSeconds = 3 });
        using var impatient = new HttpClient { BaseAddress = _simulator.BaseAddress, Timeout = TimeSpan.FromMilliseconds(500) };

        var stalled = impatient.GetAsync(new Uri($"/channels/{Tank}/feeds.json?api_key={Key(Tank)}", UriKind.Relative));
        var healthy = await TimeAsync(() => RawFeedsAsync(Flow, "results=10"));

        Assert.Multiple(() =>
        {
            Assert.That(async () => await stalled, Throws.InstanceOf<TaskCanceledException>());
            Assert.That(healthy, Is.LessThan(TimeSpan.FromMilliseconds(500)));
        });
    }

    [Test]
    public async Task Invalid_values_replace_a_field_of_one_entry_or_of_every_entry()
    {
        var feeds = (await FeedsAsync(Flow, "results=3&end=" + Past(hoursAgo: 1)))["feeds"]!.AsArray();
        var target = (long)feeds[1]!["entry_id"]!;
        await _simulator.SetFaultsAsync(new FaultSettings
        {
            ChannelId = Flow,
            InvalidValues = [new InvalidValue(target, "field1", "abc"), new InvalidValue(null, "field3", "NaN")],
        });

        var faulty = (await FeedsAsync(Flow, "results=3&end=" + Past(hoursAgo: 1)))["feeds"]!.AsArray();

        Assert.Multiple(() =>
        {
            Assert.That(faulty.Select(f => (string?)f!["field1"]), Is.EqualTo(new[] { (string?)feeds[0]!["field1"], "abc", (string?)feeds[2]!["field1"] }));
            Assert.That(faulty.Select(f => (string?)f!["field3"]), Has.All.EqualTo("NaN"));
            Assert.That(faulty.Select(f => (string?)f!["field2"]), Is.EqualTo(feeds.Select(f => (string?)f!["field2"])));
        });
    }

    [Test]
    public async Task Stats_count_requests_and_the_most_in_flight_per_channel()
    {
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = Tank, LatencyMs = 300 });

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => RawFeedsAsync(Tank, "results=1")));
        for (var i = 0; i < 3; i++)
        {
            await RawFeedsAsync(Flow, "results=1");
        }

        var tank = await _simulator.ChannelStatsAsync(Tank);
        var flow = await _simulator.ChannelStatsAsync(Flow);
        Assert.Multiple(() =>
        {
            Assert.That((long)tank!["requests"]!, Is.EqualTo(5));
            Assert.That((int)tank["maxConcurrent"]!, Is.GreaterThan(1), "five requests held 300 ms each overlap");
            Assert.That((int)tank["inFlight"]!, Is.Zero);
            Assert.That((long)flow!["requests"]!, Is.EqualTo(3));
            Assert.That((int)flow["maxConcurrent"]!, Is.EqualTo(1), "sequential requests never overlap");
        });
    }

    [Test]
    public async Task Admin_endpoints_refuse_a_remote_caller_without_the_token()
    {
        var address = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assume.That(address, Is.Not.Null, "the machine needs a non-loopback address to call from");
        await using var remote = await SimulatorServer.StartAsync("--urls", $"http://{address}:0", "--admin-token", "s3cret");

        var refused = await remote.Client.GetAsync(new Uri("/_simulator/stats", UriKind.Relative));
        using var withToken = new HttpRequestMessage(HttpMethod.Get, new Uri("/_simulator/stats", UriKind.Relative));
        withToken.Headers.Add("X-Simulator-Token", "s3cret");
        var allowed = await remote.Client.SendAsync(withToken);
        var feeds = await remote.Client.GetAsync(new Uri($"/channels/{Tank}/feeds/last.json?api_key={Key(Tank)}", UriKind.Relative));

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(feeds.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the read API is open to anyone with the channel's key");
        });
    }

    private static string Key(long channel) => DemoCatalogue.Nodes.SingleOrDefault(n => n.ChannelId == channel)?.ReadKey ?? $"SIMKEY{channel}";

    /// <summary>A whole minute in the past, in ThingSpeak's URL form, so the range does not move while a test runs.</summary>
    private static string Past(int hoursAgo) =>
        DateTimeOffset.UtcNow.AddHours(-hoursAgo).ToString("yyyy-MM-dd'%20'HH:mm:00", CultureInfo.InvariantCulture);

    private Task<HttpResponseMessage> GetAsync(long channel, string query) =>
        _simulator.Client.GetAsync(new Uri($"/channels/{channel}/feeds.json?api_key={Key(channel)}&{query}", UriKind.Relative));

    private async Task<string> RawFeedsAsync(long channel, string query)
    {
        using var response = await GetAsync(channel, query);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<JsonNode> FeedsAsync(long channel, string query) => JsonNode.Parse(await RawFeedsAsync(channel, query))!;

    /// <summary>A field over the channel's last 8,000 entries, as numbers, skipping entries that lack it.</summary>
    private async Task<List<double>> SeriesAsync(long channel, string field) =>
        [.. (await FeedsAsync(channel, "results=8000"))["feeds"]!.AsArray()
            .Select(f => (string?)f![field])
            .OfType<string>()
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed;
    }
}
