using System.Globalization;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Nodes.Demo;
using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.Simulator.Faults;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The ThingSpeak poller against the simulator over real HTTP, one node per type: mappings, scale, offset and
/// calibration applied; bad entries kept as rejections while later ones land; a re-poll stores nothing twice; a
/// stalled, failing or rate-limited channel costs only its own timeout and is recorded on its node.
/// </summary>
[NonParallelizable]
public sealed class PollingTests : IntegrationTest
{
    // Generous for a loaded two-core machine (a first poll back-fills two hours), short beside the 30 s stall.
    private const int AttemptTimeoutSeconds = 3;
    private const int TotalTimeoutSeconds = 6;

    private SimulatorServer _simulator = null!;
    private ApiFactory _poller = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _simulator = await SimulatorServer.StartAsync();
        _poller = ApiFactory.For(Database, new Dictionary<string, string?>
        {
            ["ThingSpeak:BaseUrl"] = _simulator.BaseAddress.ToString(),
            ["ThingSpeak:AttemptTimeoutSeconds"] = AttemptTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["ThingSpeak:TotalTimeoutSeconds"] = TotalTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            ["ThingSpeak:RetryDelaySeconds"] = "0.1",
            // Due again a second after a poll, so a test can run cycle after cycle.
            ["Polling:IntervalSeconds"] = "1",
            ["Polling:BackfillHours"] = "2",
        });
    }

    [SetUp]
    public Task ResetSimulatorAsync() => _simulator.ResetAsync();

    /// <summary>The poller's events are handled before the next test wipes the tables under them.</summary>
    [TearDown]
    public Task DrainAsync() => _poller.HandledAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _poller.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    private static IEnumerable<AnalyticsType> Types => [AnalyticsType.EvaraTank, AnalyticsType.EvaraFlow, AnalyticsType.EvaraDeep];

    /// <summary>The channel's status (asked for with every poll) says which firmware the device runs.</summary>
    [Test]
    public async Task A_polled_channel_status_reports_the_device_firmware()
    {
        var node = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraTank);
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = node.ChannelId, Status = "boot ok fw=2.0.1" });

        var cycle = await CycleAsync();

        Assert.That(cycle.Failed, Is.Zero);
        Assert.That(await Database.ScalarAsync<string>($"SELECT firmware_version FROM nodes.device_firmware WHERE node_id = '{node.Id}'"), Is.EqualTo("2.0.1"));
    }

    [TestCaseSource(nameof(Types))]
    public async Task A_poll_maps_calibrates_and_stores_each_entry_once_keeping_bad_entries_as_rejections(AnalyticsType type)
    {
        var node = await PolledNodes.ArrangeAsync(Database, type);
        var feed = await ReadFeedAsync(node);
        var (abc, nan) = (feed[^6], feed[^4]);
        await _simulator.SetFaultsAsync(new FaultSettings
        {
            ChannelId = node.ChannelId,
            InvalidValues = [new InvalidValue(abc.EntryId, "field1", "abc"), new InvalidValue(nan.EntryId, "field1", "NaN")],
        });

        var first = await CycleAsync();
        var newestAfterFirst = (await StoredTimestampsAsync(node)).Max();
        await Database.ExecuteAsync("DELETE FROM telemetry.ingestion_cursors"); // forget how far the feed was read
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var again = await CycleAsync();

        var stored = await StoredTimestampsAsync(node);
        var rejections = await RejectionsAsync(node);
        var refused = rejections.Keys.ToHashSet();
        var last = feed.Last(e => e.Fields.GetValueOrDefault("field1") is not null && !refused.Contains(e.EntryId!.Value));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first.Failed, Is.Zero);
            Assert.That(stored, Is.SupersetOf(feed.Where(e => !refused.Contains(e.EntryId!.Value)).Select(e => e.Timestamp)),
                "every entry of the window that was not refused, also those after the bad ones");
            Assert.That(rejections[abc.EntryId!.Value], Does.Contain("field1: 'abc' is not a number"));
            Assert.That(rejections[nan.EntryId!.Value], Does.Contain("field1: 'NaN' is not a finite number"));
            Assert.That(rejections.Values.SelectMany(reasons => reasons).Except(["field1: 'abc' is not a number", "field1: 'NaN' is not a finite number"]),
                Has.All.Matches<string>(r => r.Contains(" is outside ", StringComparison.Ordinal) || (r.StartsWith("no ", StringComparison.Ordinal) && r.EndsWith(" in the entry", StringComparison.Ordinal))),
                "besides the planted ones, only the simulator's spikes past a physical range and its entries that lack the primary field");
            Assert.That(again.Stored, Is.EqualTo(stored.Count(t => t > newestAfterFirst)),
                "the re-poll of the same window stored only entries that appeared since the first");
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_rejections WHERE node_id = '{node.Id}'"),
                Is.EqualTo(rejections.Values.Sum(reasons => reasons.Count)), "each rejection once, though polled twice");
            Assert.That(await Database.ScalarAsync<double>(node.StoredFirstMetricAt(last.Timestamp)),
                Is.EqualTo(node.Expected(double.Parse(last.Fields["field1"]!, CultureInfo.InvariantCulture))).Within(0.01),
                "field1 × scale + offset, then the calibration valid at that time");
            Assert.That(await Database.ScalarAsync<string>($"SELECT status || ' ' || consecutive_failures FROM nodes.node_operational_state WHERE node_id = '{node.Id}'"),
                Is.EqualTo("Online 0"));
        });
    }

    [Test]
    public async Task A_stalled_or_failing_channel_costs_only_its_own_timeout()
    {
        var healthy = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraTank);
        var stalled = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraFlow);
        var failing = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraDeep);
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = stalled.ChannelId, StallSeconds = 30 });
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = failing.ChannelId, ErrorRate = 1 });

        var cycle = await CycleAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(cycle.Polled, Is.EqualTo(3));
            Assert.That(cycle.Failed, Is.EqualTo(2));
            Assert.That(cycle.Duration, Is.LessThan(TimeSpan.FromSeconds(TotalTimeoutSeconds + 3)), "the stall is cut at the total timeout");
            Assert.That(await Database.ScalarAsync<int>($"SELECT last_duration_ms FROM telemetry.poll_schedule WHERE node_id = '{healthy.Id}'"),
                Is.LessThan(AttemptTimeoutSeconds * 1_000), "the healthy channel did not wait for the others");
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{healthy.Id}'"), Is.GreaterThan(100));
            Assert.That(await FailuresAsync(stalled), Is.EqualTo("1 ThingSpeak did not answer in time"));
            Assert.That(await FailuresAsync(failing), Does.StartWith("1 channel ").And.EndWith("HTTP 500"));
        });
    }

    [Test]
    public async Task The_failure_count_grows_while_a_channel_fails_and_resets_when_it_recovers()
    {
        var node = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraTank);
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = node.ChannelId, MalformedJson = true });

        await CycleAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await CycleAsync();
        var failing = await FailuresAsync(node);
        await _simulator.ResetAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var recovered = await CycleAsync();

        Assert.That(failing, Does.StartWith("2 ").And.Contain("malformed"));
        Assert.That(recovered.Stored, Is.GreaterThan(100));
        Assert.That(await FailuresAsync(node), Is.EqualTo("0 -"));
    }

    [Test]
    public async Task A_rate_limited_channel_is_not_asked_again_before_its_retry_after()
    {
        var node = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraTank);
        await _simulator.SetFaultsAsync(new FaultSettings { ChannelId = node.ChannelId, TooManyRequests = 1, RetryAfterSeconds = 30 });

        var limited = await CycleAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        var next = await CycleAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(limited.Failed, Is.EqualTo(1));
            Assert.That(next.Polled, Is.Zero, "due again only after Retry-After");
            Assert.That((int)(await _simulator.ChannelStatsAsync(node.ChannelId))!["requests"]!, Is.EqualTo(1));
            Assert.That(await Database.ScalarAsync<bool>($"""
                SELECT next_poll_at > now() + interval '25 seconds' FROM telemetry.poll_schedule WHERE node_id = '{node.Id}'
                """), Is.True);
            Assert.That(await FailuresAsync(node), Does.Contain("rate limited"));
        });
    }

    [Test]
    public async Task A_group_that_cannot_be_recorded_together_is_recorded_node_by_node()
    {
        var node = await PolledNodes.ArrangeAsync(Database, AnalyticsType.EvaraTank);
        var entries = await ReadFeedAsync(node);
        var gone = new PollClaim(Guid.CreateVersion7(), 1, null); // deleted between its claim and its record
        var poller = _poller.Services.GetRequiredService<ChannelPoller>();

        var polls = await poller.RecordAsync("test", [
            new FetchedFeed(new PollClaim(node.Id, node.ChannelId, null), entries, null, null, null, null, TimeSpan.Zero),
            new FetchedFeed(gone, entries, null, null, null, null, TimeSpan.Zero),
        ], CancellationToken.None);

        Assert.That(polls.Single(p => p.NodeId == node.Id).Stored, Is.GreaterThan(100));
        Assert.That(polls.Single(p => p.NodeId == gone.NodeId).Succeeded, Is.False);
        Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{node.Id}'"), Is.GreaterThan(100));
    }

    private Task<PollCycleReport> CycleAsync() => _poller.Services.GetRequiredService<ThingSpeakPolling>().RunAsync(CancellationToken.None);

    private async Task<IReadOnlyList<RawEntry>> ReadFeedAsync(PolledNode node) =>
        (await _poller.Services.GetRequiredService<ThingSpeakClient>()
            .ReadFeedAsync(node.ChannelId, node.ReadKey, DateTimeOffset.UtcNow.AddHours(-2).AddMinutes(2), null, ThingSpeakClient.MaxResults, CancellationToken.None)).Entries;

    private static async Task<List<DateTimeOffset>> StoredTimestampsAsync(PolledNode node)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT \"timestamp\" FROM telemetry.{node.Table} WHERE node_id = @Id ORDER BY 1", connection);
        command.Parameters.AddWithValue("Id", node.Id);
        var stamps = new List<DateTimeOffset>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stamps.Add(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero));
        }

        return stamps;
    }

    /// <summary>Each refused entry's reasons: a planted bad value and one of the simulator's spikes can meet in one entry.</summary>
    private static async Task<Dictionary<long, List<string>>> RejectionsAsync(PolledNode node)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT entry_id, reason FROM telemetry.telemetry_rejections WHERE node_id = @Id", connection);
        command.Parameters.AddWithValue("Id", node.Id);
        var rejections = new Dictionary<long, List<string>>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var entry = reader.GetInt64(0);
            rejections[entry] = [.. rejections.GetValueOrDefault(entry) ?? [], reader.GetString(1)];
        }

        return rejections;
    }

    private static Task<string?> FailuresAsync(PolledNode node) => Database.ScalarAsync<string>($"""
        SELECT consecutive_failures || ' ' || coalesce(last_error, '-') FROM nodes.node_operational_state WHERE node_id = '{node.Id}'
        """);
}

/// <summary>A node polled from a demo channel of the simulator, field1 mapped with a scale, an offset and a calibration.</summary>
public sealed record PolledNode(Guid Id, AnalyticsType Type, long ChannelId, string ReadKey, string Table, string FirstMetric)
{
    public const double Scale = 2;
    public const double Offset = 1.5;
    public const double Slope = 0.5;
    public const double Intercept = 3;

    public double Expected(double raw) => Slope * (raw * Scale + Offset) + Intercept;

    public string StoredFirstMetricAt(DateTimeOffset at) =>
        $"SELECT {FirstMetric}::float8 FROM telemetry.{Table} WHERE node_id = '{Id}' AND \"timestamp\" = '{at.UtcDateTime:O}'";
}

public static class PolledNodes
{
    private static readonly Guid Distributor = Guid.Parse("0000000b-0000-4000-8000-000000000001");

    /// <summary>A node of <paramref name="type"/> on the first demo channel of that type, all its fields mapped.</summary>
    public static async Task<PolledNode> ArrangeAsync(TestDatabase database, AnalyticsType type)
    {
        var demo = DemoNodes.Nodes.First(n => n.AnalyticsType == type);
        var fields = demo.Mappings;
        var table = type switch
        {
            AnalyticsType.EvaraTank => "telemetry_tank",
            AnalyticsType.EvaraFlow => "telemetry_flow",
            _ => "telemetry_deep",
        };
        var node = new PolledNode(Guid.CreateVersion7(), type, demo.Demo.ChannelId, demo.Demo.ReadKey, table, fields[0].Canonical.Name);
        var category = type switch { AnalyticsType.EvaraTank => "OHT", AnalyticsType.EvaraFlow => "FlowMeter", _ => "Borewell" };
        var builder = NodeBuilder.OfDistributor(Distributor, node.Id).Named($"POLL-{node.Id:N}"[..20], "Polled node").Kind(category, type.ToString())
            .WithState().WithChannel(node.ChannelId, node.ReadKey)
            .WithCalibration(node.FirstMetric, PolledNode.Slope, PolledNode.Intercept, DateTimeOffset.UtcNow.AddDays(-1));
        if (type == AnalyticsType.EvaraTank)
        {
            builder.WithTank(1000);
        }

        for (var i = 0; i < fields.Count; i++)
        {
            var (scale, offset) = i == 0 ? (PolledNode.Scale, PolledNode.Offset) : (1, 0);
            builder.WithMapping(fields[i].ThingSpeakField, fields[i].Canonical.Name, fields[i].DataType, scale, offset);
        }

        await Tenants.DistributorAsync(database, Distributor, "Polling");
        await builder.InsertAsync(database);
        return node;
    }
}
