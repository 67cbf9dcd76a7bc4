using EvaraTech.IntegrationTests.Alerts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace EvaraTech.IntegrationTests.Realtime;

/// <summary>
/// The hub with real SignalR clients: each hears its own scope's telemetry and alerts and never another tenant's;
/// subscriptions outside the caller's scope are refused; telemetry stored within one flush window arrives as one
/// message per group with one update per node; MessagePack clients hear the same.
/// </summary>
public sealed class RealtimeHubTests : TenantWorldTest
{
    private AlertScenario _scenario = null!;

    [SetUp]
    public async Task ArrangeAsync()
    {
        _scenario = await AlertScenario.ArrangeAsync(Database, World);
        await AlertScenario.AddLowTankRuleAsync(Database, Platform.Api, World.Distributor1);
        await AlertScenario.AddLowTankRuleAsync(Database, Platform.Api, World.Distributor2);
    }

    [Test]
    public async Task A_customer_hears_its_own_nodes_telemetry_and_alerts_and_never_another_tenants()
    {
        await using var customer1 = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser1);
        await using var customer2 = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser2, messagePack: true);
        await using var superadmin = await HubClient.ConnectAsync(Platform.Api, World.Superadmin);
        await customer1.Connection.InvokeAsync("SubscribeScope");
        await customer2.Connection.InvokeAsync("SubscribeScope");
        await superadmin.Connection.InvokeAsync("SubscribeScope");

        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (20, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !customer1.Telemetry.IsEmpty && !customer1.Alerts.IsEmpty, "customer 1's telemetry and alert");
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank2, (200, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !customer2.Telemetry.IsEmpty, "customer 2's telemetry (MessagePack)");
        await HubClient.EventuallyAsync(() => superadmin.Telemetry.SelectMany(t => t.Updates).Select(u => u.NodeId).Distinct().Count() == 2,
            "the superadmin's telemetry of both nodes");
        await Task.Delay(500); // anything misrouted would have arrived by now

        Assert.Multiple(() =>
        {
            Assert.That(customer1.Telemetry.SelectMany(t => t.Updates).Select(u => u.NodeId).Distinct(), Is.EqualTo(new[] { _scenario.Tank1 }));
            Assert.That(customer1.Telemetry.Single().Updates.Single().Latest!["water_level_cm"], Is.EqualTo(20));
            Assert.That(customer1.Alerts.Select(a => (a.NodeId, a.Change, a.Severity)), Is.EqualTo(new[] { (_scenario.Tank1, "raised", "critical") }));
            Assert.That(customer1.Statuses.Select(s => s.Status), Does.Contain("Alert"), "the node's status change is heard too");
            Assert.That(customer2.Telemetry.SelectMany(t => t.Updates).Select(u => u.NodeId).Distinct(), Is.EqualTo(new[] { _scenario.Tank2 }));
            Assert.That(customer2.Alerts, Is.Empty, "tank 2 stayed above its threshold, and tank 1's alert is not customer 2's");
        });
    }

    /// <summary>Clients that fall back from WebSockets get the same subscriptions and the same refusals.</summary>
    [TestCase(HttpTransportType.LongPolling)]
    [TestCase(HttpTransportType.ServerSentEvents)]
    public async Task Every_transport_subscribes_within_the_callers_scope(HttpTransportType transport)
    {
        await using var customer1 = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser1, transport: transport);
        await using var superadmin = await HubClient.ConnectAsync(Platform.Api, World.Superadmin, transport: transport);

        await customer1.Connection.InvokeAsync("SubscribeNode", _scenario.Tank1);
        await superadmin.Connection.InvokeAsync("SubscribeScope");
        var otherNode = Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => customer1.Connection.InvokeAsync("SubscribeNode", _scenario.Tank2));
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (200, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !customer1.Telemetry.IsEmpty && !superadmin.Telemetry.IsEmpty, "tank 1's telemetry");

        Assert.Multiple(() =>
        {
            Assert.That(otherNode!.Message, Does.Contain("Node was not found"));
            Assert.That(customer1.Telemetry.SelectMany(t => t.Updates).Select(u => u.NodeId).Distinct(), Is.EqualTo(new[] { _scenario.Tank1 }));
        });
    }

    /// <summary>Live data stops when access ends, whatever changed the user, not when the token expires.</summary>
    [TestCase("deactivated", "UPDATE tenancy.users_profiles SET is_active = false WHERE id = @user")]
    [TestCase("deleted", "DELETE FROM tenancy.users_profiles WHERE id = @user")]
    [TestCase("moved to another tenant", "UPDATE tenancy.users_profiles SET customer_id = @customer, distributor_id = @distributor WHERE id = @user")]
    public async Task An_open_connection_closes_within_seconds_when_its_users_access_ends_or_changes(string change, string sql)
    {
        await using var customer1 = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser1);
        await using var customer2 = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser2);
        await customer1.Connection.InvokeAsync("SubscribeScope");
        await customer2.Connection.InvokeAsync("SubscribeScope");
        var closed = new TaskCompletionSource();
        customer1.Connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        await Database.ExecuteAsync(sql, ("user", World.CustomerUser1.Id), ("customer", World.Customer2), ("distributor", World.Distributor2));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (200, DateTimeOffset.UtcNow));
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank2, (200, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !customer2.Telemetry.IsEmpty, "customer 2's telemetry");

        Assert.Multiple(() =>
        {
            Assert.That(customer1.Connection.State, Is.EqualTo(HubConnectionState.Disconnected), change);
            Assert.That(customer1.Telemetry, Is.Empty);
            Assert.That(customer2.Connection.State, Is.EqualTo(HubConnectionState.Connected), "a user whose access is unchanged keeps listening");
        });
    }

    [Test]
    public async Task Subscriptions_outside_the_callers_scope_are_refused()
    {
        await using var customer1 = await HubClient.ConnectAsync(Platform.Api, World.CustomerUser1);
        await using var distributor1 = await HubClient.ConnectAsync(Platform.Api, World.DistributorUser1);

        await customer1.Connection.InvokeAsync("SubscribeNode", _scenario.Tank1);
        await distributor1.Connection.InvokeAsync("SubscribeCommunity", World.Community1);
        var otherNode = Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => customer1.Connection.InvokeAsync("SubscribeNode", _scenario.Tank2));
        var community = Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => customer1.Connection.InvokeAsync("SubscribeCommunity", World.Community1));
        var otherCommunity = Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => distributor1.Connection.InvokeAsync("SubscribeCommunity", World.Community2));
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank2, (20, DateTimeOffset.UtcNow));
        await AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (200, DateTimeOffset.UtcNow));
        await HubClient.EventuallyAsync(() => !customer1.Telemetry.IsEmpty && !distributor1.Telemetry.IsEmpty, "tank 1's telemetry");
        await Task.Delay(500);

        Assert.Multiple(() =>
        {
            Assert.That(otherNode!.Message, Does.Contain("Node was not found"));
            Assert.That(community!.Message, Does.Contain("Community was not found"), "a customer does not subscribe to its community");
            Assert.That(otherCommunity!.Message, Does.Contain("Community was not found"));
            Assert.That(customer1.Telemetry.SelectMany(t => t.Updates).Select(u => u.NodeId).Distinct(), Is.EqualTo(new[] { _scenario.Tank1 }));
            Assert.That(customer1.Alerts, Is.Empty, "tank 2's alert is another tenant's");
            Assert.That(distributor1.Telemetry.SelectMany(t => t.Updates).Select(u => u.NodeId).Distinct(), Is.EqualTo(new[] { _scenario.Tank1 }));
        });
    }

    [Test]
    public async Task Batches_stored_within_one_flush_window_arrive_as_one_message_with_one_update_per_node()
    {
        await using var distributor1 = await HubClient.ConnectAsync(Platform.Api, World.DistributorUser1);
        await distributor1.Connection.InvokeAsync("SubscribeScope");
        var now = DateTimeOffset.UtcNow;

        await Task.WhenAll(
            AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (200, now.AddSeconds(-3))),
            AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (210, now.AddSeconds(-2))),
            AlertScenario.RecordAsync(Platform.Api, _scenario.Tank1, (220, now.AddSeconds(-1))));
        await HubClient.EventuallyAsync(() => distributor1.Telemetry.SelectMany(t => t.Updates).Sum(u => u.Stored) == 3, "three stored readings");
        await Task.Delay(500);

        var update = distributor1.Telemetry.Single().Updates.Single();
        Assert.That((update.NodeId, update.Stored, update.From, update.To), Is.EqualTo((_scenario.Tank1, 3, now.AddSeconds(-3), now.AddSeconds(-1))));
        Assert.That(update.Latest!["water_level_cm"], Is.EqualTo(220));
    }
}
