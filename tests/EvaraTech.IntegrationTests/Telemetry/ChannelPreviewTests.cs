using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The channel preview: a mapping not yet saved tried on the channel's last entries, read through the platform from
/// (a fake) ThingSpeak, parsed and calibrated as ingestion would, stored nowhere; scoped, named by field, limited.
/// </summary>
public sealed class ChannelPreviewTests : TenantWorldTest
{
    private FakeThingSpeak _thingSpeak = null!;
    private ApiFactory _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _thingSpeak = await FakeThingSpeak.StartAsync();
        _api = ApiFactory.For(Database, new Dictionary<string, string?> { ["ThingSpeak:BaseUrl"] = _thingSpeak.BaseAddress.ToString() });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _api.DisposeAsync();
        await _thingSpeak.DisposeAsync();
    }

    private HttpClient ClientFor(TestUser user)
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(user));
        return client;
    }

    /// <summary>A tank of customer 1 on <paramref name="channelId"/> (read key stored), field1 saved as the level, temperature calibrated 2x + 1.</summary>
    private async Task<(Guid Node, FakeChannel Channel)> TankAsync(long channelId)
    {
        var channel = _thingSpeak.Channel(channelId, $"READKEY{channelId}");
        var node = await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named($"preview-{channelId}", "Preview tank")
            .WithState().WithTank(300).WithChannel(channelId, channel.ReadKey).WithMapping("field1", "water_level_cm")
            .WithCalibration("temperature_c", 2, 1, DateTimeOffset.UtcNow.AddDays(-30)).InsertAsync(Database);
        var now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        channel.Add([.. Enumerable.Range(1, 12).Select(i => FakeEntry.Of(i, now.AddMinutes(i - 13), ("field1", "100"), ("field2", "20"), ("field3", i == 12 ? "flat" : "3.7")))]);
        return (node, channel);
    }

    private static object Mappings(string third = "battery_voltage", string field = "field3") => new object[]
    {
        new { field = "field1", canonicalField = "water_level_cm", scaleFactor = 0.5 },
        new { field = "field2", canonicalField = "temperature_c" },
        new { field, canonicalField = third },
    };

    private Task<long> StoredAsync(Guid node) => Database.ScalarAsync<long>("""
        SELECT (SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = @node) + (SELECT count(*) FROM nodes.thingspeak_field_mappings WHERE node_id = @node)
             + (SELECT count(*) FROM telemetry.telemetry_rejections WHERE node_id = @node)
        """, ("node", node));

    [Test]
    public async Task The_last_ten_entries_come_back_mapped_and_calibrated_with_each_refusal_and_nothing_is_stored()
    {
        var (node, _) = await TankAsync(4_300_001);
        using var client = ClientFor(World.DistributorUser1);
        var before = await StoredAsync(node);

        var response = await client.PostAsJsonAsync($"/api/v1/nodes/{node}/channel/preview", new { channelId = 4_300_001, mappings = Mappings() });

        var preview = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var entries = preview.GetProperty("entries").EnumerateArray().ToList();
        var newest = entries[0];
        Assert.Multiple(async () =>
        {
            Assert.That(entries.Select(e => e.GetProperty("entryId").GetInt64()), Is.EqualTo(Enumerable.Range(3, 10).Reverse().Select(i => (long)i)), "the last ten, newest first");
            Assert.That(newest.GetProperty("raw").GetProperty("field3").GetString(), Is.EqualTo("flat"));
            Assert.That(newest.GetProperty("values").GetProperty("water_level_cm").GetDouble(), Is.EqualTo(50), "scaled by the mapping tried");
            Assert.That(newest.GetProperty("values").GetProperty("temperature_c").GetDouble(), Is.EqualTo(41), "calibrated by the node's calibration");
            Assert.That(newest.GetProperty("values").TryGetProperty("battery_voltage", out _), Is.False);
            Assert.That(newest.GetProperty("rejections").EnumerateArray().Single().GetString(), Does.StartWith("field3:"));
            Assert.That(entries[1].GetProperty("values").GetProperty("battery_voltage").GetDouble(), Is.EqualTo(3.7).Within(1e-6));
            Assert.That(await StoredAsync(node), Is.EqualTo(before), "no reading, mapping or refusal is stored");
        });
    }

    [Test]
    public async Task Entries_shaped_as_ThingSpeak_sends_them_preview_as_ingestion_stores_them()
    {
        // Values as strings padded with CR/LF, a null, a missing field, a time written with an offset (India, +05:30).
        var channel = _thingSpeak.Channel(4_300_004, "READKEY4300004");
        var node = await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("preview-shapes", "Shapes")
            .WithState().WithTank(300).WithChannel(channel.Id, channel.ReadKey).WithCalibration("temperature_c", 2, 1, DateTimeOffset.UtcNow.AddDays(-30))
            .InsertAsync(Database);
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMinutes(-5);
        channel.Add(
            FakeEntry.Of(1, at.AddMinutes(-1), ("field1", " 150\r\n"), ("field2", null)),
            FakeEntry.Of(2, at, ("field1", "140\n"), ("field2", "21.5\r\n")) with { Offset = TimeSpan.FromMinutes(330) });
        using var client = ClientFor(World.DistributorUser1);

        var response = await client.PostAsJsonAsync($"/api/v1/nodes/{node}/channel/preview", new { channelId = 4_300_004, mappings = Mappings() });

        var entries = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("entries").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(entries[0].GetProperty("timestamp").GetDateTimeOffset(), Is.EqualTo(at), "the offset read as the instant it names");
            Assert.That(entries[0].GetProperty("values").GetProperty("water_level_cm").GetDouble(), Is.EqualTo(70));
            Assert.That(entries[0].GetProperty("values").GetProperty("temperature_c").GetDouble(), Is.EqualTo(44), "21.5 × 2 + 1, trimmed of its CR/LF");
            Assert.That(entries[1].GetProperty("values").GetProperty("water_level_cm").GetDouble(), Is.EqualTo(75));
            Assert.That(entries[1].GetProperty("values").TryGetProperty("temperature_c", out _), Is.False, "a null field is no value");
            Assert.That(entries.SelectMany(e => e.GetProperty("rejections").EnumerateArray()), Is.Empty,
                "a null, a missing field (field3) and padding are not refusals");
        });
    }

    [Test]
    public async Task Bad_input_and_what_ThingSpeak_refuses_are_named_by_field_and_another_tenants_node_is_not_found()
    {
        var (node, _) = await TankAsync(4_300_002);
        var foreign = await NodeBuilder.OfCustomer(World.Customer2, World.Community2, World.Distributor2).Named("preview-foreign", "Foreign").WithTank(300)
            .InsertAsync(Database);
        using var client = ClientFor(World.DistributorUser1);
        using var customer = ClientFor(World.CustomerUser1);
        var cases = new (Guid Node, object Body, HttpStatusCode Status, string Field)[]
        {
            (node, new { channelId = 4_300_002, readKey = "WRONGKEY", mappings = Mappings() }, HttpStatusCode.UnprocessableEntity, "readKey"),
            (node, new { channelId = 4_399_999, readKey = "ANYKEY", mappings = Mappings() }, HttpStatusCode.UnprocessableEntity, "channelId"),
            (node, new { channelId = 4_300_002, mappings = Mappings("flow_rate_lpm") }, HttpStatusCode.UnprocessableEntity, "mappings[2].canonicalField"),
            (node, new { channelId = 4_300_002, mappings = Mappings(field: "field9") }, HttpStatusCode.BadRequest, "mappings[2].field"),
            (node, new { mappings = Mappings() }, HttpStatusCode.BadRequest, "channelId"),
            (node, new { channelId = 4_300_002, mappings = Array.Empty<object>() }, HttpStatusCode.BadRequest, "mappings"),
            (foreign, new { channelId = 4_300_002, mappings = Mappings() }, HttpStatusCode.NotFound, ""),
        };

        foreach (var (target, body, status, field) in cases)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/nodes/{target}/channel/preview", body);
            var errors = (await response.ReadEnvelopeAsync(status)).Errors();
            if (field.Length > 0)
            {
                Assert.That(errors.Select(e => e.Field()), Does.Contain(field), JsonSerializer.Serialize(body));
            }
        }

        await (await customer.PostAsJsonAsync($"/api/v1/nodes/{node}/channel/preview", new { channelId = 4_300_002, mappings = Mappings() }))
            .ReadEnvelopeAsync(HttpStatusCode.Forbidden);
        Assert.That(await StoredAsync(node), Is.EqualTo(1), "only the saved mapping of field1");
    }

    [Test]
    public async Task Mappings_that_saving_the_channel_refuses_the_preview_refuses_the_same_way_on_their_field()
    {
        var (node, channel) = await TankAsync(4_300_005);
        using var client = ClientFor(World.DistributorUser1);
        var cases = new (object Mappings, string Field)[]
        {
            (Mappings(field: "field1"), "mappings[2].field"),
            (Mappings("water_level_cm"), "mappings[2].canonicalField"),
            (new[] { new { field = "field1", canonicalField = "water_level_cm", scaleFactor = 0.0 } }, "mappings[0].scaleFactor"),
            (new[] { new { field = "field1", canonicalField = "tds_ppm", dataType = "float" } }, "mappings[0].dataType"),
        };

        foreach (var (mappings, field) in cases)
        {
            var response = await client.PostAsJsonAsync($"/api/v1/nodes/{node}/channel/preview", new { channelId = 4_300_005, mappings });
            var errors = (await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors();
            Assert.That(errors.Select(e => e.Field()), Does.Contain(field), JsonSerializer.Serialize(mappings));
        }

        Assert.That(channel.Requests, Is.Zero, "refused before ThingSpeak is asked");
    }

    [Test]
    public async Task While_ThingSpeak_is_slow_to_answer_the_preview_holds_no_database_connection()
    {
        var (node, channel) = await TankAsync(4_300_004);
        channel.MillisecondsPerEntry = 200; // ten entries: two seconds
        using var client = ClientFor(World.DistributorUser1);

        var preview = client.PostAsJsonAsync($"/api/v1/nodes/{node}/channel/preview", new { channelId = 4_300_004, mappings = Mappings() });
        while (channel.Requests == 0 && !preview.IsCompleted)
        {
            await Task.Delay(20);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(700));
        // Nothing else the platform does sits in a transaction doing nothing for half a second.
        var held = await Database.ScalarAsync<long>("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND state_change < now() - interval '500 milliseconds'
            """);
        using var response = await preview;

        Assert.That(held, Is.Zero);
        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("entries").GetArrayLength(), Is.EqualTo(10));
    }

    [Test]
    public async Task Past_its_limit_a_user_is_told_to_retry_later()
    {
        var (node, channel) = await TankAsync(4_300_003);
        using var client = ClientFor(World.DistributorUser1);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            statuses.Add((await client.PostAsJsonAsync($"/api/v1/nodes/{node}/channel/preview", new { channelId = 4_300_003, mappings = Mappings() })).StatusCode);
        }

        Assert.That(statuses, Is.EqualTo(Enumerable.Repeat(HttpStatusCode.OK, 10).Append(HttpStatusCode.TooManyRequests)));
        Assert.That(channel.Requests, Is.EqualTo(10), "the refused preview never reached ThingSpeak");
    }
}
