using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Realtime;

/// <summary>Two API instances and one real Redis: what one instance sends reaches clients connected to the other.</summary>
public sealed class BackplaneTests : TenantWorldTest
{
    [Test]
    public async Task An_alert_raised_through_instance_a_reaches_a_client_connected_to_instance_b()
    {
        await using var redis = await RedisProcess.StartAsync();
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = redis.ConnectionString };
        await using var instanceA = ApiFactory.For(Database, settings);
        await using var instanceB = ApiFactory.For(Database, settings);
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        await Database.ExecuteAsync("""
            INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, node_id, metric, operator, threshold, severity)
            VALUES (gen_random_uuid(), @d1, 'Tank low', @t1, 'water_level_cm', '<', 50, 'critical')
            """, ("d1", World.Distributor1), ("t1", scenario.Tank1));
        instanceA.Services.GetRequiredService<AlertRulesCache>().Invalidate(World.Distributor1);
        await using var onB = await HubClient.ConnectAsync(instanceB, World.CustomerUser1);
        await using var otherTenantOnB = await HubClient.ConnectAsync(instanceB, World.CustomerUser2);
        await onB.Connection.InvokeAsync("SubscribeScope");
        await otherTenantOnB.Connection.InvokeAsync("SubscribeScope");

        await AlertScenario.RecordAsync(instanceA, scenario.Tank1, (20, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !onB.Alerts.IsEmpty && !onB.Telemetry.IsEmpty, "the alert and telemetry on instance B");
        await Task.Delay(500);

        Assert.That(onB.Alerts.Select(a => (a.NodeId, a.Change)), Is.EqualTo(new[] { (scenario.Tank1, "raised") }));
        Assert.That(otherTenantOnB.Alerts, Is.Empty);
        Assert.That(otherTenantOnB.Telemetry, Is.Empty);
    }
}
