using System.Net;
using System.Net.Http.Json;
using Dapper;
using EvaraTech.Demo;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Simulator;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Simulator;
using EvaraTech.Simulator.Channels;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The rest of the load test's data set (<see cref="PlatformSeed"/>, behind <c>./build.sh seed-perf</c>) on a small
/// telemetry set ending now: its alerts lie in the data's span under each node's own distributor, at most the newest
/// of a node still open, and stay open while the nodes are polled (their rule is off; the live rules are never
/// breached by the simulator); every node reads a simulator channel of its own kind and the pollers resume at the node's last
/// reading instead of back-filling a week; every load user can sign in with the published password.
/// </summary>
[NonParallelizable]
public sealed class PlatformSeedTests
{
    private const int Nodes = 48;
    private static readonly TimeSpan Span = TimeSpan.FromDays(20);

    private TestDatabase _database = null!;
    private TelemetrySeed _seed = null!;
    private PlatformSeedReport _report = null!;

    [OneTimeSetUp]
    public async Task SeedAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("platform_seed");
        _seed = new TelemetrySeed(Nodes, Nodes * 200, DateTime.UtcNow, Span);
        await _seed.LoadAsync(_database.AdminConnectionString);
        _report = await PlatformSeed.LoadAsync(_database.AdminConnectionString, _seed,
            new PasswordHasher<UserAccount>().HashPassword(null!, PlatformSeed.LoadUserPassword),
            ChannelCatalog.Epoch, new SimulatorOptions().IntervalSeconds, ChannelCatalog.FirstExtraChannelId,
            TestChannelKeys.Protection.SealReadKey);
    }

    [OneTimeTearDown]
    public async Task DropAsync() => await _database.DisposeAsync();

    [Test]
    public async Task Alerts_lie_in_the_span_under_their_nodes_owner_and_only_a_nodes_newest_may_be_open()
    {
        await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
        var facts = await connection.QuerySingleAsync<(long Alerts, long Misowned, long OutOfSpan, long OlderOpen, long Open)>("""
            SELECT count(*),
                   count(*) FILTER (WHERE h.owner_distributor_id <> n.owner_distributor_id OR r.selector_analytics_type <> n.analytics_type),
                   count(*) FILTER (WHERE h.triggered_at < @From OR h.triggered_at >= @Now),
                   count(*) FILTER (WHERE h.resolved_at IS NULL
                                    AND h.triggered_at < (SELECT max(triggered_at) FROM alerts.alert_history x WHERE x.node_id = h.node_id)),
                   count(*) FILTER (WHERE h.resolved_at IS NULL)
            FROM alerts.alert_history h
            JOIN nodes.nodes n ON n.id = h.node_id
            JOIN alerts.alert_rules r ON r.id = h.rule_id AND NOT r.is_enabled
            """, new { From = _seed.Now - Span, _seed.Now });

        Assert.Multiple(() =>
        {
            Assert.That(facts.Alerts, Is.EqualTo(Nodes * PlatformSeed.AlertsPerNode));
            Assert.That(_report.Alerts, Is.EqualTo(facts.Alerts));
            Assert.That(facts.Misowned, Is.Zero, "an alert under another distributor's rule, or a rule of another device type");
            Assert.That(facts.OutOfSpan, Is.Zero);
            Assert.That(facts.OlderOpen, Is.Zero, "only a node's newest alert may be open");
            Assert.That(facts.Open, Is.EqualTo(_report.OpenAlerts).And.EqualTo(Nodes / 10), "every tenth node's newest");
        });
    }

    [Test]
    public async Task Every_node_reads_a_simulator_channel_of_its_own_kind_with_every_field_mapped()
    {
        await using var connection = new NpgsqlConnection(_database.AdminConnectionString);
        var channels = (await connection.QueryAsync<(long ChannelId, string AnalyticsType, long Mappings)>("""
            SELECT c.channel_id, n.analytics_type, (SELECT count(*) FROM nodes.thingspeak_field_mappings m WHERE m.node_id = n.id)
            FROM nodes.nodes n JOIN nodes.thingspeak_channels c ON c.node_id = n.id
            """)).ToList();
        var simulator = new ChannelCatalog(extraChannels: 3 * Nodes);

        Assert.That(channels, Has.Count.EqualTo(Nodes));
        Assert.Multiple(() =>
        {
            foreach (var (channelId, analyticsType, mappings) in channels)
            {
                Assert.That(simulator.Find(channelId)?.Type, Is.EqualTo(analyticsType), $"channel {channelId}");
                Assert.That(mappings, Is.EqualTo(DemoCatalogue.MappedFields[analyticsType].Length), $"mappings of channel {channelId}");
            }
        });
    }

    [Test]
    public async Task A_poll_cycle_resumes_after_each_nodes_last_reading()
    {
        await using var simulator = await SimulatorServer.StartAsync("--channels", $"{3 * Nodes}");
        await using var api = ApiFactory.For(_database, new Dictionary<string, string?> { ["ThingSpeak:BaseUrl"] = simulator.BaseAddress.ToString() });
        _ = api.Server;

        var cycle = await api.Services.GetRequiredService<ThingSpeakPolling>().RunAsync(CancellationToken.None);
        var rows = await _database.ScalarAsync<long>("""
            SELECT (SELECT count(*) FROM telemetry.telemetry_tank) + (SELECT count(*) FROM telemetry.telemetry_flow)
                   + (SELECT count(*) FROM telemetry.telemetry_deep)
            """);
        var openAfter = await _database.ScalarAsync<long>("SELECT count(*) FROM alerts.alert_history WHERE resolved_at IS NULL");
        var notAdvanced = await _database.ScalarAsync<long>("""
            SELECT count(*) FROM telemetry.ingestion_cursors c JOIN telemetry.latest_readings l USING (node_id)
            WHERE c.read_until < l."timestamp" OR c.updated_at < now() - interval '1 minute'
            """);

        Assert.Multiple(() =>
        {
            Assert.That(cycle.Polled, Is.EqualTo(Nodes));
            Assert.That(cycle.Failed, Is.Zero);
            // A node's last reading is at most a few hours old here (200 over 20 days): a resumed poll stores the
            // simulator's minutes since then, never the week a first poll back-fills (10,080 entries a node).
            Assert.That(cycle.Stored, Is.GreaterThan(0).And.LessThan(Nodes * 200));
            Assert.That(openAfter, Is.EqualTo(_report.OpenAlerts), "the seeded open alerts are still open, and no new one was raised");
            Assert.That(rows, Is.EqualTo(Nodes * 200 + cycle.Stored), "every stored entry is new");
            Assert.That(notAdvanced, Is.Zero, "every cursor moved on to the node's newest reading");
        });
    }

    [TestCase("load-superadmin-1@perf.evaratech.local", "superadmin")]
    [TestCase("load-distributor-2-15@perf.evaratech.local", "distributor")]
    [TestCase("load-customer-12-5@perf.evaratech.local", "customer")]
    public async Task Load_users_of_every_role_sign_in_with_the_published_password(string email, string role)
    {
        await using var api = ApiFactory.For(_database);
        using var client = api.CreateClient();

        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email, password = PlatformSeed.LoadUserPassword });
        var users = await PlatformSeed.LoadUsersAsync(_database.AdminConnectionString);

        Assert.Multiple(() =>
        {
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(users, Has.Count.EqualTo(_report.Users).And.Count.EqualTo(
                PlatformSeed.Superadmins + TelemetrySeed.Distributors * PlatformSeed.UsersPerDistributor + 12 * PlatformSeed.UsersPerCustomer));
            Assert.That(users, Does.Contain(email));
            Assert.That(users[0], Does.StartWith("load-superadmin-"), "superadmins first, then distributors, then customers");
            Assert.That(email, Does.Contain(role));
        });
    }
}
