using System.Net;
using System.Text.Json.Nodes;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>ThingSpeak-compatible device updates: the write key is the credential, answers are ThingSpeak's.</summary>
public sealed class DevicePushTests : IntegrationTest
{
    private const string StoredLevels = "SELECT string_agg(water_level_cm::text, ',' ORDER BY \"timestamp\") FROM telemetry.telemetry_tank";

    [SetUp]
    public Task ArrangeAsync() => IngestionPipelineTests.ArrangeTankAsync(DateTimeOffset.UtcNow);

    [Test]
    public async Task An_update_with_the_write_key_stores_a_reading_through_the_pipeline()
    {
        var response = await Client.GetAsync("/update?api_key=WRITEKEY777001&field1=1.5&field2=20");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo("1"));
        Assert.That(await Database.ScalarAsync<string>(StoredLevels), Is.EqualTo("85"), "mapped ×100, calibrated 0.5·x + 10");
    }

    [Test]
    public async Task A_wrong_or_missing_key_is_refused_with_0_and_stores_nothing()
    {
        var wrong = await Client.GetAsync("/update?api_key=WRITEKEY000000&field1=1.5");
        var missing = await Client.PostAsync("/update", new FormUrlEncodedContent(new Dictionary<string, string> { ["field1"] = "1.5" }));

        Assert.That(await wrong.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(await missing.Content.ReadAsStringAsync(), Is.EqualTo("0"));
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.Zero);
    }

    [Test]
    public async Task A_json_update_with_the_key_header_answers_its_entry()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/update.json")
        {
            Content = new StringContent("""{"field1": "2", "created_at": "2026-11-24T10:00:00Z"}""", System.Text.Encoding.UTF8, "application/json"),
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
}
