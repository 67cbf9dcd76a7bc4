using System.Net;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// <c>POST /api/v1/telemetry/ingest</c>: a gateway's batch for many nodes, each reading authorised by its node's write
/// key or by a user with telemetry:write; refused readings store nothing, the rest go through the pipeline.
/// </summary>
public sealed class GatewayIngestTests : TenantWorldTest
{
    private const string Route = "/api/v1/telemetry/ingest";
    private const string Stored = """
        SELECT (SELECT count(*) FROM telemetry.telemetry_tank) || ' tank, ' || (SELECT count(*) FROM telemetry.telemetry_flow) || ' flow'
        """;

    private static readonly string At = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O");

    [SetUp]
    public async Task ArrangeAsync()
    {
        await TelemetryScenario.ArrangeChannelTankAsync(Database, DateTimeOffset.UtcNow);
        await NodeBuilder.Existing(TelemetryScenario.Flow).WithState().WithChannel(777002, writeKey: "WRITEKEY777002").WithMapping("field1", "flow_rate_lpm")
            .InsertAsync(Database);
    }

    [Test]
    public async Task Readings_of_many_nodes_with_their_keys_are_stored_through_the_pipeline()
    {
        var response = await Client.PostAsync(Route, Body($$$"""
            {"apiKey": "WRITEKEY777001", "timestamp": "{{{At}}}", "fields": {"field1": 1.5, "field2": 20}},
            {"apiKey": "WRITEKEY777002", "nodeId": "{{{TelemetryScenario.Flow}}}", "timestamp": "{{{At}}}", "fields": {"field1": "12.5"}},
            {"apiKey": "WRITEKEY777002", "timestamp": "{{{DateTimeOffset.UtcNow.AddMinutes(-4):O}}}", "fields": {"field1": "abc"}}
            """));

        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("stored").GetInt32(), Is.EqualTo(2));
            Assert.That(data.GetProperty("rejected").GetInt32(), Is.EqualTo(1), "'abc' is kept as a rejection");
        });
        Assert.That(await Database.ScalarAsync<string>(Stored), Is.EqualTo("1 tank, 1 flow"));
        Assert.That(await Database.ScalarAsync<string>("SELECT water_level_cm::text FROM telemetry.telemetry_tank"), Is.EqualTo("85"), "mapped and calibrated");
        Assert.That(await Database.ScalarAsync<string>("SELECT source FROM telemetry.telemetry_rejections"), Is.EqualTo("gateway"));
    }

    /// <summary>
    /// Values as firmware and ThingSpeak send them are readings, not refused text: strings ending in CR/LF, null
    /// fields, a timestamp with an offset, even a NUL padding a number (the API's control-character check is for its
    /// own text fields; field values go to ingestion's parser like a device push's).
    /// </summary>
    [Test]
    public async Task Values_as_devices_send_them_are_read_as_readings()
    {
        var offset = DateTimeOffset.UtcNow.AddMinutes(-3).ToOffset(TimeSpan.FromHours(5.5)).ToString("yyyy-MM-ddTHH:mm:sszzz");
        var response = await Client.PostAsync(Route, Body($$$"""
            {"apiKey": "WRITEKEY777001", "timestamp": "{{{offset}}}", "fields": {"field1": "1.5\r\n", "field2": null}}
            """));
        var nul = await Client.PostAsync(Route, Body($$$"""
            {"apiKey": "WRITEKEY777001", "timestamp": "{{{At}}}", "fields": {"field1": "1.5\u0000"}}
            """));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("stored").GetInt32(), Is.EqualTo(1));
        Assert.That((await nul.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("stored").GetInt32(), Is.EqualTo(1));
        Assert.That(await Database.ScalarAsync<string>("SELECT string_agg(water_level_cm::text, ',') FROM telemetry.telemetry_tank"), Is.EqualTo("85,85"));
    }

    [Test]
    public async Task A_wrong_key_or_a_key_of_another_node_refuses_those_readings_only()
    {
        var response = await Client.PostAsync(Route, Body($$$"""
            {"apiKey": "WRITEKEY777001", "timestamp": "{{{At}}}", "fields": {"field1": 1.5}},
            {"apiKey": "WRITEKEY000000", "timestamp": "{{{At}}}", "fields": {"field1": 2}},
            {"apiKey": "WRITEKEY777001", "nodeId": "{{{TelemetryScenario.Flow}}}", "timestamp": "{{{At}}}", "fields": {"field1": 3}}
            """));

        var nodes = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("nodes");
        var statuses = nodes.EnumerateArray().Select(n => $"{n.GetProperty("status").GetString()} {n.GetProperty("received").GetInt32()}").Order();
        Assert.That(statuses, Is.EqualTo(new[] { "accepted 1", "unauthorized 1", "unauthorized 1" }));
        Assert.That(await Database.ScalarAsync<string>(Stored), Is.EqualTo("1 tank, 0 flow"));
    }

    [Test]
    public async Task A_user_with_telemetry_write_needs_no_keys()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var response = await client.PostAsync(Route, Body($$$"""
            {"nodeId": "{{{TelemetryScenario.Tank}}}", "timestamp": "{{{At}}}", "fields": {"field1": 1.5}},
            {"nodeId": "{{{TelemetryScenario.Flow}}}", "timestamp": "{{{At}}}", "fields": {"field1": 4}}
            """));

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("stored").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public async Task Without_keys_an_anonymous_caller_is_401_and_a_user_without_telemetry_write_403()
    {
        var reading = Body($$$"""{"nodeId": "{{{TelemetryScenario.Tank}}}", "timestamp": "{{{At}}}", "fields": {"field1": 1.5}}""");
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));

        var anonymous = await Client.PostAsync(Route, reading);
        var forbidden = await distributor.PostAsync(Route, Body($$$"""{"nodeId": "{{{TelemetryScenario.Tank}}}", "timestamp": "{{{At}}}", "fields": {"field1": 1.5}}"""));

        await anonymous.ReadEnvelopeAsync(HttpStatusCode.Unauthorized);
        await forbidden.ReadEnvelopeAsync(HttpStatusCode.Forbidden);
        Assert.That(await Database.ScalarAsync<string>(Stored), Is.EqualTo("0 tank, 0 flow"));
    }

    [TestCase("""{"apiKey": "WRITEKEY777001", "timestamp": "soon", "fields": {"field1": 1}}""", HttpStatusCode.BadRequest, "readings[0].timestamp")]
    [TestCase("""{"timestamp": "2026-11-24T10:00:00Z", "fields": {"field1": 1}}""", HttpStatusCode.BadRequest, "readings[0].nodeId")]
    [TestCase("""{"apiKey": "WRITEKEY777001", "timestamp": "2026-11-24T10:00:00Z", "fields": {"level": 1}}""", HttpStatusCode.BadRequest, "readings[0].fields")]
    [TestCase("""{"apiKey": "WRITEKEY777001", "timestamp": "2026-11-24T10:00:00Z", "fields": {"field1": 1, "field9": 2}}""", HttpStatusCode.BadRequest, "readings[0].fields")]
    [TestCase("""{"apiKey": "WRITEKEY777001", "nodeId": "not-a-uuid", "timestamp": "2026-11-24T10:00:00Z", "fields": {"field1": 1}}""", HttpStatusCode.BadRequest, "readings[0].nodeId")]
    public async Task A_malformed_reading_names_its_field_and_nothing_is_stored(string reading, HttpStatusCode status, string field)
    {
        var response = await Client.PostAsync(Route, Body($$$"""{"apiKey": "WRITEKEY777001", "timestamp": "{{{At}}}", "fields": {"field1": 1.5}}, {{{reading}}}"""
            .Replace("readings[0]", "readings[1]", StringComparison.Ordinal)));

        var errors = (await response.ReadEnvelopeAsync(status)).Errors();
        Assert.That(errors.Select(e => e.Field()), Does.Contain(field.Replace("[0]", "[1]", StringComparison.Ordinal)));
        Assert.That(await Database.ScalarAsync<string>(Stored), Is.EqualTo("0 tank, 0 flow"));
    }

    [Test]
    public async Task Too_many_readings_is_422_and_an_oversized_body_413()
    {
        var reading = $$$"""{"apiKey": "WRITEKEY777001", "timestamp": "{{{At}}}", "fields": {"field1": 1}}""";
        var many = await Client.PostAsync(Route, Body(string.Join(",", Enumerable.Repeat(reading, 10_001))));
        var padded = $$$"""{"apiKey": "WRITEKEY777001", "timestamp": "{{{At}}}", "fields": {"field1": 1}, "note": "{{{new string('x', 500)}}}"}""";
        var huge = await Client.PostAsync(Route, Body(string.Join(",", Enumerable.Repeat(padded, 9_000))));

        Assert.That((await many.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors()[0].Field(), Is.EqualTo("readings"));
        await huge.ReadEnvelopeAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.That(await Database.ScalarAsync<string>(Stored), Is.EqualTo("0 tank, 0 flow"));
    }

    private static StringContent Body(string readings) =>
        new($$$"""{"readings": [{{{readings}}}]}""", System.Text.Encoding.UTF8, "application/json");
}
