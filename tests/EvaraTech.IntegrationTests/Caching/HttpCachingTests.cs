using System.Net;
using System.Net.Http.Headers;
using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Caching;

/// <summary>HTTP caching: public reference data carries Cache-Control; a series answers 304 until its content changes.</summary>
public sealed class HttpCachingTests : TenantWorldTest
{
    [TestCase("/api/v1/reference/device-types")]
    [TestCase("/api/v1/reference/categories")]
    [TestCase("/api/v1/reference/permissions")]
    public async Task Reference_data_is_public_and_cacheable_for_an_hour(string path)
    {
        var response = await Client.GetAsync(path);

        await response.ReadEnvelopeAsync(HttpStatusCode.OK);
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=3600"));
    }

    [Test]
    public async Task Reference_data_says_what_each_type_and_role_is()
    {
        var types = (await (await Client.GetAsync("/api/v1/reference/device-types")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        var permissions = (await (await Client.GetAsync("/api/v1/reference/permissions")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");

        var tank = types.EnumerateArray().Single(t => t.GetProperty("analyticsType").GetString() == "EvaraTank");
        Assert.That(tank.GetProperty("categories").EnumerateArray().Select(c => c.GetString()), Is.EqualTo(new[] { "OHT", "Sump" }));
        Assert.That(tank.GetProperty("fields").EnumerateArray().Select(f => f.GetProperty("name").GetString()), Does.Contain("water_level_cm"));
        Assert.That(permissions.GetProperty("roles").GetProperty("customer").EnumerateArray().Select(p => p.GetString()),
            Is.EqualTo(new[] { "alerts:read", "nodes:read", "telemetry:read", "tenants:read" }));
    }

    [Test]
    public async Task A_series_answers_304_until_a_new_reading_changes_it()
    {
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        var now = DateTimeOffset.UtcNow;
        await AlertScenario.RecordAsync(Platform.Api, scenario.Tank1, (200, now.AddMinutes(-10)));
        using var client = ClientWith(Tokens.For(World.CustomerUser1));
        var path = $"/api/v1/nodes/{scenario.Tank1}/telemetry?resolution=raw&from={now.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}&to={now.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}";

        var first = await client.GetAsync(path);
        await first.ReadEnvelopeAsync(HttpStatusCode.OK);
        var unchanged = await ConditionalAsync(client, path, first.Headers.ETag!);
        await AlertScenario.RecordAsync(Platform.Api, scenario.Tank1, (210, now.AddMinutes(-5)));
        var changed = await ConditionalAsync(client, path, first.Headers.ETag!);

        Assert.That(unchanged.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(changed.Headers.ETag, Is.Not.EqualTo(first.Headers.ETag));
    }

    private static async Task<HttpResponseMessage> ConditionalAsync(HttpClient client, string path, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return await client.SendAsync(request);
    }
}
