using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using EvaraTech.Infrastructure.Migrations;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Tenancy;
using EvaraTech.Modules.Nodes.Persistence;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// Channel keys at rest and at the door: a write key is issued by the platform, shown once and stored only as its
/// keyed hash; a read key is stored sealed and still polls; no answer tells a caller whether a key exists.
/// </summary>
public sealed class ChannelKeyTests : TenantWorldTest
{
    private Guid _node;

    [SetUp]
    public async Task ArrangeNodeAsync() =>
        _node = await NodeBuilder.OfDistributor(World.Distributor1).Named("keyed-tank", "Keyed tank").WithState().WithTank(300)
            .WithChannel(4_400_001, "READKEYSECRET4401").WithMapping("field1", "water_level_cm").InsertAsync(Database);

    private async Task<string> IssueAsync()
    {
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        var data = (await (await distributor.PostAsync($"/api/v1/nodes/{_node}/channel/write-key", null)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        return data.GetProperty("writeKey").GetString()!;
    }

    private Task<string> PushAsync(string key) => Client.GetStringAsync($"/update?api_key={key}&field1=120");

    [Test]
    public async Task An_issued_write_key_is_shown_once_stored_only_as_its_keyed_hash_and_replaces_the_previous_one()
    {
        var first = await IssueAsync();
        var second = await IssueAsync();

        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        var node = await distributor.GetStringAsync($"/api/v1/nodes/{_node}");
        var stored = await Database.ScalarAsync<string>(
            "SELECT row_to_json(c)::text FROM nodes.thingspeak_channels c WHERE node_id = @node", ("node", _node));
        var hash = await Database.ScalarAsync<byte[]>("SELECT write_key_hash FROM nodes.thingspeak_channels WHERE node_id = @node", ("node", _node));
        var firstPush = await Client.GetAsync($"/update?api_key={first}&field1=120");

        Assert.Multiple(() =>
        {
            Assert.That(second, Does.Match("^[A-Z0-9]{16}$"));
            Assert.That(second, Is.Not.EqualTo(first));
            Assert.That(node, Does.Contain("****" + second[^4..]).And.Not.Contain(second));
            Assert.That(stored, Does.Not.Contain(second).And.Not.Contain("READKEYSECRET4401"));
            Assert.That(hash, Is.EqualTo(TestChannelKeys.Protection.HashWriteKey(second)));
            Assert.That(firstPush.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "the replaced key no longer pushes");
        });
        Assert.That(await PushAsync(second), Is.Not.EqualTo("0"));
    }

    [Test]
    public async Task A_read_key_is_stored_sealed_and_opens_to_itself_for_polling()
    {
        var sealedKey = await Database.ScalarAsync<string>("SELECT read_key_sealed FROM nodes.thingspeak_channels WHERE node_id = @node", ("node", _node));

        Assert.That(sealedKey, Does.StartWith("v1.").And.Not.Contain("SECRET"));
        Assert.That(TestChannelKeys.Protection.OpenReadKey(sealedKey!), Is.EqualTo("READKEYSECRET4401"));
        Assert.That(() => new ChannelKeyProtection("another-installation-secret-0123456789").OpenReadKey(sealedKey!),
            Throws.InstanceOf<System.Security.Cryptography.CryptographicException>(), "another secret cannot open it");
    }

    [Test]
    public async Task A_chosen_write_key_is_refused_the_same_way_whether_or_not_another_node_has_it()
    {
        var taken = await IssueAsync();
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        var other = await NodeBuilder.OfDistributor(World.Distributor1).Named("other-keyed", "Other").WithState().WithTank(300)
            .WithChannel(4_400_002).InsertAsync(Database);

        async Task<string> ChooseAsync(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/nodes/{other}/channel")
            {
                Content = JsonContent.Create(new { channelId = 4_400_002, writeKey = key }),
            }.WithIfMatch("\"1.1\"");
            var response = await distributor.SendAsync(request);
            var error = (await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single();
            return $"{error.Code()} {error.Field()} {error.GetProperty("message").GetString()}";
        }

        var existing = await ChooseAsync(taken);
        var unused = await ChooseAsync("NOBODYHASTHISKEY");

        Assert.That(existing, Is.EqualTo(unused));
        Assert.That(existing, Does.Contain("writeKey"));
    }

    [Test]
    public async Task Keys_stored_in_plain_text_before_are_sealed_by_the_migration_and_the_plain_columns_dropped()
    {
        await using var database = await TestDatabase.CreateAsync("sealing");
        var folder = Directory.CreateTempSubdirectory("evara-migrations-").FullName;
        try
        {
            var all = Path.Combine(AppContext.BaseDirectory, "db", "migrations");
            foreach (var file in Directory.GetFiles(all, "*.sql").Where(f => string.CompareOrdinal(Path.GetFileName(f), "0020") < 0))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            MigrationRunner.Run(database.AdminConnectionString, folder, NullLogger.Instance);
            var distributor = Guid.CreateVersion7();
            await Tenants.DistributorAsync(database, distributor);
            var node = await NodeBuilder.OfDistributor(distributor).Named("legacy", "Legacy").InsertAsync(database);
            await database.ExecuteAsync(
                "INSERT INTO nodes.thingspeak_channels (node_id, channel_id, read_key, write_key) VALUES (@node, 4400003, 'LEGACYREADKEY001', 'LEGACYWRITEKEY01')",
                ("node", node));

            MigrationRunner.Run(database.AdminConnectionString, all, NullLogger.Instance, [new SealChannelKeys(TestChannelKeys.Protection)]);

            var hash = await database.ScalarAsync<byte[]>("SELECT write_key_hash FROM nodes.thingspeak_channels WHERE node_id = @node", ("node", node));
            var sealedKey = await database.ScalarAsync<string>("SELECT read_key_sealed FROM nodes.thingspeak_channels WHERE node_id = @node", ("node", node));
            var plainColumns = await database.ScalarAsync<long>("""
                SELECT count(*) FROM information_schema.columns
                WHERE table_schema = 'nodes' AND table_name = 'thingspeak_channels' AND column_name IN ('read_key', 'write_key')
                """);
            Assert.Multiple(() =>
            {
                Assert.That(hash, Is.EqualTo(TestChannelKeys.Protection.HashWriteKey("LEGACYWRITEKEY01")));
                Assert.That(TestChannelKeys.Protection.OpenReadKey(sealedKey!), Is.EqualTo("LEGACYREADKEY001"));
                Assert.That(plainColumns, Is.Zero);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>Wrong write keys, on a host of its own so its low limit touches no other test.</summary>
public sealed class WrongWriteKeyLimitTests
{
    private TestDatabase _database = null!;
    private ApiFactory _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateMigratedAsync("wrongkeys");
        _api = ApiFactory.For(_database, new Dictionary<string, string?> { ["DevicePush:WrongKeysPerClientPerMinute"] = "5" });
        _ = _api.Server;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test]
    public async Task One_gateway_batch_cannot_test_more_keys_than_the_limit()
    {
        // A host of its own: its address has presented no wrong key yet.
        await using var api = ApiFactory.For(_database, new Dictionary<string, string?> { ["DevicePush:WrongKeysPerClientPerMinute"] = "5" });
        using var client = api.CreateClient();
        var readings = string.Join(",", Enumerable.Range(0, 10).Select(i => "{\"apiKey\":\"BATCHGUESS" + i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture) + "\",\"timestamp\":\"" + DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\",\"fields\":{\"field1\":\"1\"}}"));

        var batch = await client.PostAsync("/api/v1/telemetry/ingest",
            new StringContent("{\"readings\":[" + readings + "]}", System.Text.Encoding.UTF8, "application/json"));

        Assert.That(batch.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "refused once the batch's wrong keys reached the limit");
    }

    [Test]
    public async Task Guessing_write_keys_is_refused_past_the_limit_on_every_push_route_and_counted()
    {
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "evaratech.device_push.wrong_keys")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();
        using var client = _api.CreateClient();

        var guesses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            guesses.Add((await client.GetAsync($"/update?api_key=GUESS{i:D11}&field1=1")).StatusCode);
        }

        var update = await client.GetAsync("/update?api_key=GUESS99999999999&field1=1");
        var bulk = await client.PostAsync("/channels/1/bulk_update.json",
            new StringContent("""{"write_api_key":"GUESS","updates":[{"delta_t":0,"field1":"1"}]}""", System.Text.Encoding.UTF8, "application/json"));
        var gateway = await client.PostAsync("/api/v1/telemetry/ingest",
            new StringContent("""{"readings":[{"apiKey":"GUESS","timestamp":"2026-12-06T10:00:00Z","fields":{"field1":"1"}}]}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Multiple(() =>
        {
            Assert.That(guesses, Is.All.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(update.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(update.Headers.RetryAfter?.Delta, Is.Not.Null);
            Assert.That(bulk.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(gateway.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(Interlocked.Read(ref counted), Is.GreaterThanOrEqualTo(5));
        });
    }
}
