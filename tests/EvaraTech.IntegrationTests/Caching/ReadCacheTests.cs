using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvaraTech.IntegrationTests.Caching;

/// <summary>
/// The read cache across three instances sharing one real Redis: a repeated read is served from the cache
/// (<c>meta.cached</c>), and a write through one instance is seen at once through the others; ETags give 304.
/// </summary>
public sealed class ReadCacheTests : TenantWorldTest
{
    [Test]
    public async Task A_node_updated_through_instance_a_is_read_fresh_through_instances_b_and_c_and_repeated_reads_are_cached()
    {
        await using var instances = await ThreeInstances.StartAsync(Database);
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        using var viaA = ClientOf(instances.A);
        using var viaB = ClientOf(instances.B);
        using var viaC = ClientOf(instances.C);
        var path = $"/api/v1/nodes/{scenario.Tank1}";

        var first = await ReadAsync(viaB, path);
        var second = await ReadAsync(viaB, path);
        var listFirst = await ReadAsync(viaB, "/api/v1/nodes?limit=50");
        var listSecond = await ReadAsync(viaB, "/api/v1/nodes?limit=50");
        await ReadAsync(viaC, path);
        var cachedOnC = await ReadAsync(viaC, path);
        using var update = new HttpRequestMessage(HttpMethod.Put, path)
        {
            Content = JsonContent.Create(new { label = "Renamed through A", category = "OHT", config = new { maxDepthCm = 300 } }),
        };
        update.Headers.IfMatch.Add(first.ETag!);
        (await viaA.SendAsync(update)).EnsureSuccessStatusCode();
        var afterUpdate = await ReadAsync(viaB, path);
        var afterUpdateOnC = await ReadAsync(viaC, path);
        var listAfterUpdate = await ReadAsync(viaB, "/api/v1/nodes?limit=50");
        using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
        conditional.Headers.IfNoneMatch.Add(afterUpdate.ETag!);
        var notModified = await viaB.SendAsync(conditional);

        Assert.Multiple(() =>
        {
            Assert.That((first.Cached, second.Cached), Is.EqualTo((false, true)), "the repeated read is served from the cache");
            Assert.That((listFirst.Cached, listSecond.Cached), Is.EqualTo((false, true)));
            Assert.That(afterUpdate.Data.GetProperty("node").GetProperty("label").GetString(), Is.EqualTo("Renamed through A"), "no stale read on B");
            Assert.That(afterUpdate.Cached, Is.False);
            Assert.That(cachedOnC.Cached, Is.True, "C had the old details cached");
            Assert.That(afterUpdateOnC.Data.GetProperty("node").GetProperty("label").GetString(), Is.EqualTo("Renamed through A"), "no stale read on C");
            Assert.That(listAfterUpdate.Data.EnumerateArray().Single(n => n.GetProperty("id").GetGuid() == scenario.Tank1).GetProperty("label").GetString(),
                Is.EqualTo("Renamed through A"));
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        });
    }

    [Test]
    public async Task A_reading_that_moves_a_nodes_state_retires_its_cached_details()
    {
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var path = $"/api/v1/nodes/{scenario.Tank1}";
        await ReadAsync(client, path);
        var cached = await ReadAsync(client, path);

        await AlertScenario.RecordAsync(Platform.Api, scenario.Tank1, (200, DateTimeOffset.UtcNow));
        var after = await ReadAsync(client, path);

        Assert.That(cached.Cached, Is.True);
        Assert.That((after.Cached, after.Data.GetProperty("state").GetProperty("status").GetString()), Is.EqualTo((false, "Online")));
    }

    private HttpClient ClientOf(WebApplicationFactory<Program> api)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(World.DistributorUser1));
        return client;
    }

    private static async Task<(JsonElement Data, bool Cached, EntityTagHeaderValue? ETag)> ReadAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.OK);
        return (envelope.GetProperty("data"), envelope.GetProperty("meta").GetProperty("cached").GetBoolean(), response.Headers.ETag);
    }
}
