using EvaraTech.IntegrationTests.Alerts;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace EvaraTech.IntegrationTests.Realtime;

/// <summary>Three API instances and one real Redis: what one instance sends reaches clients connected to the others.</summary>
public sealed class BackplaneTests : TenantWorldTest
{
    [Test]
    public async Task An_alert_raised_through_instance_a_reaches_clients_connected_to_instances_b_and_c()
    {
        await using var instances = await ThreeInstances.StartAsync(Database);
        var scenario = await AlertScenario.ArrangeAsync(Database, World);
        await AlertScenario.AddLowTankRuleAsync(Database, instances.A, World.Distributor1);
        await using var onB = await HubClient.ConnectAsync(instances.B, World.CustomerUser1);
        await using var onC = await HubClient.ConnectAsync(instances.C, World.CustomerUser1);
        await using var otherTenantOnB = await HubClient.ConnectAsync(instances.B, World.CustomerUser2);
        await onB.Connection.InvokeAsync("SubscribeScope");
        await onC.Connection.InvokeAsync("SubscribeScope");
        await otherTenantOnB.Connection.InvokeAsync("SubscribeScope");

        await AlertScenario.RecordAsync(instances.A, scenario.Tank1, (20, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !onB.Alerts.IsEmpty && !onB.Telemetry.IsEmpty, "the alert and telemetry on instance B");
        await HubClient.EventuallyAsync(() => !onC.Alerts.IsEmpty && !onC.Telemetry.IsEmpty, "the alert and telemetry on instance C");
        await Task.Delay(500);

        Assert.That(onB.Alerts.Select(a => (a.NodeId, a.Change)), Is.EqualTo(new[] { (scenario.Tank1, "raised") }));
        Assert.That(onC.Alerts.Select(a => (a.NodeId, a.Change)), Is.EqualTo(new[] { (scenario.Tank1, "raised") }));
        Assert.That(otherTenantOnB.Alerts, Is.Empty);
        Assert.That(otherTenantOnB.Telemetry, Is.Empty);
    }
}
