using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Realtime;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace EvaraTech.IntegrationTests.Caching;

/// <summary>
/// Redis stopped mid-test under two running instances: requests keep succeeding (the cache bypassed), readiness says
/// Degraded, each instance's clients still hear its own events; Redis started again: caching and the backplane resume
/// without restarting anything.
/// </summary>
public sealed class RedisOutageTests : TenantWorldTest
{
    [Test]
    public async Task The_platform_degrades_while_redis_is_down_and_recovers_by_itself()
    {
        await using var instances = await ThreeInstances.StartAsync(Database);
        var (redis, instanceA, instanceB) = (instances.Redis, instances.A, instances.B);
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        await AlertScenario.AddLowTankRuleAsync(Database, instanceA, World.Distributor1, "warning");
        using var viaA = ClientOf(instanceA);
        await using var listenerOnA = await HubClient.ConnectAsync(instanceA, World.CustomerUser1);
        await using var listenerOnB = await HubClient.ConnectAsync(instanceB, World.CustomerUser1);
        await listenerOnA.Connection.InvokeAsync("SubscribeScope");
        await listenerOnB.Connection.InvokeAsync("SubscribeScope");
        var path = $"/api/v1/nodes/{scenario.Tank1}";
        await ReadAsync(viaA, path);

        await redis.StopAsync();
        await UntilAsync(instanceA, connected: false);
        var duringOutage = await ReadAsync(viaA, path);
        var probe = Stopwatch.StartNew();
        var readiness = await ReadinessAsync(viaA);
        var probeTook = probe.Elapsed;
        await AlertScenario.RecordAsync(instanceA, scenario.Tank1, (20, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !listenerOnA.Alerts.IsEmpty, "instance A's own client hearing the alert while Redis is down");

        await redis.StartAgainAsync();
        await UntilAsync(instanceA, connected: true);
        await UntilAsync(instanceB, connected: true);
        await ReadAsync(viaA, path);
        var afterRecovery = await ReadAsync(viaA, path);
        // The backplane has its own connection, which comes back on its own schedule: toggle the alert until B hears A.
        var level = 200;
        for (var attempt = 0; attempt < 30 && listenerOnB.Alerts.IsEmpty; attempt++)
        {
            await AlertScenario.RecordAsync(instanceA, scenario.Tank1, (level, DateTimeOffset.UtcNow));
            level = level == 200 ? 20 : 200;
            await Task.Delay(1000);
        }

        Assert.Multiple(async () =>
        {
            Assert.That(duringOutage.Cached, Is.False, "the cache is bypassed, the request still succeeds");
            Assert.That(readiness.GetProperty("status").GetString(), Is.EqualTo("Degraded"));
            Assert.That(readiness.GetProperty("checks").GetProperty("redis").GetProperty("status").GetString(), Is.EqualTo("Degraded"));
            Assert.That(probeTook, Is.LessThan(TimeSpan.FromSeconds(2)), "a probe's timeout is a few seconds: Degraded must come well before (it took 5.3 s)");
            Assert.That(afterRecovery.Cached, Is.True, "caching resumed");
            Assert.That((await ReadinessAsync(viaA)).GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(listenerOnB.Alerts, Is.Not.Empty, "the backplane resumed: B hears A's alerts again");
        });
    }

    private HttpClient ClientOf(WebApplicationFactory<Program> api)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(World.DistributorUser1));
        return client;
    }

    private static async Task UntilAsync(WebApplicationFactory<Program> api, bool connected)
    {
        var redis = api.Services.GetRequiredService<IConnectionMultiplexer>();
        await HubClient.EventuallyAsync(() => redis.IsConnected == connected, connected ? "Redis reconnected" : "Redis seen down", 30);
    }

    private static async Task<JsonElement> ReadinessAsync(HttpClient client) =>
        JsonDocument.Parse(await (await client.GetAsync("/health/ready")).Content.ReadAsStringAsync()).RootElement;

    private static async Task<(JsonElement Data, bool Cached)> ReadAsync(HttpClient client, string path)
    {
        var envelope = await (await client.GetAsync(path)).ReadEnvelopeAsync(HttpStatusCode.OK);
        return (envelope.GetProperty("data"), envelope.GetProperty("meta").GetProperty("cached").GetBoolean());
    }
}
