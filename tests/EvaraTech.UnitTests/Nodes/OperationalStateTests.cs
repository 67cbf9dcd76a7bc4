using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class OperationalStateTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static OperationalState State(NodeStatus status, DateTimeOffset? lastSeen = null) => new(Guid.NewGuid(), status, lastSeen, 4);

    [TestCase(NodeStatus.Online)]
    [TestCase(NodeStatus.Offline)]
    [TestCase(NodeStatus.Provisioning)]
    [TestCase(NodeStatus.Alert)]
    public void SetMaintenance_enabled_moves_a_node_into_maintenance(NodeStatus status) =>
        Assert.That(State(status, Now).SetMaintenance(true, Now), Is.EqualTo(NodeStatus.Maintenance));

    [Test]
    public void SetMaintenance_enabled_returns_null_when_already_in_maintenance() =>
        Assert.That(State(NodeStatus.Maintenance, Now).SetMaintenance(true, Now), Is.Null);

    [TestCase(NodeStatus.Online)]
    [TestCase(NodeStatus.Offline)]
    [TestCase(NodeStatus.Provisioning)]
    [TestCase(NodeStatus.Alert)]
    public void SetMaintenance_disabled_returns_null_when_not_in_maintenance(NodeStatus status) =>
        Assert.That(State(status, Now.AddDays(-1)).SetMaintenance(false, Now), Is.Null);

    [Test]
    public void SetMaintenance_disabled_returns_provisioning_for_a_node_never_seen() =>
        Assert.That(State(NodeStatus.Maintenance, null).SetMaintenance(false, Now), Is.EqualTo(NodeStatus.Provisioning));

    [Test]
    public void SetMaintenance_disabled_returns_online_for_a_node_seen_5_minutes_ago() =>
        Assert.That(State(NodeStatus.Maintenance, Now.AddMinutes(-5)).SetMaintenance(false, Now), Is.EqualTo(NodeStatus.Online));

    [Test]
    public void SetMaintenance_disabled_returns_offline_for_a_node_seen_an_hour_ago() =>
        Assert.That(State(NodeStatus.Maintenance, Now.AddHours(-1)).SetMaintenance(false, Now), Is.EqualTo(NodeStatus.Offline));

    [Test]
    public void SetMaintenance_disabled_counts_a_node_seen_exactly_offline_after_ago_as_online_and_one_tick_more_as_offline()
    {
        Assert.That(OperationalState.OfflineAfter, Is.EqualTo(TimeSpan.FromMinutes(15)));
        Assert.Multiple(() =>
        {
            Assert.That(State(NodeStatus.Maintenance, Now - OperationalState.OfflineAfter).SetMaintenance(false, Now),
                Is.EqualTo(NodeStatus.Online));
            Assert.That(State(NodeStatus.Maintenance, Now - OperationalState.OfflineAfter - TimeSpan.FromTicks(1)).SetMaintenance(false, Now),
                Is.EqualTo(NodeStatus.Offline));
        });
    }

    [Test]
    public void SetMaintenance_disabled_returns_online_for_a_reading_stamped_after_now() =>
        Assert.That(State(NodeStatus.Maintenance, Now.AddMinutes(2)).SetMaintenance(false, Now), Is.EqualTo(NodeStatus.Online));

    [TestCase(NodeStatus.Online, NodeStatus.Alert)]
    [TestCase(NodeStatus.Offline, NodeStatus.Alert)]
    [TestCase(NodeStatus.Provisioning, NodeStatus.Alert)]
    [TestCase(NodeStatus.Maintenance, null)]
    [TestCase(NodeStatus.Alert, null)]
    public void A_critical_alert_puts_a_node_in_alert_unless_in_maintenance_or_already_there(NodeStatus from, NodeStatus? to) =>
        Assert.That(State(from, Now).CriticalAlertOpened(), Is.EqualTo(to));

    [Test]
    public void The_end_of_its_critical_alerts_makes_a_node_what_its_readings_say()
    {
        Assert.Multiple(() =>
        {
            Assert.That(State(NodeStatus.Alert, Now.AddMinutes(-1)).CriticalAlertsCleared(Now), Is.EqualTo(NodeStatus.Online));
            Assert.That(State(NodeStatus.Alert, Now.AddHours(-1)).CriticalAlertsCleared(Now), Is.EqualTo(NodeStatus.Offline));
            Assert.That(State(NodeStatus.Maintenance, Now).CriticalAlertsCleared(Now), Is.Null, "maintenance is the operator's");
        });
    }

    [TestCase(NodeStatus.Online, 301, NodeStatus.Offline)]
    [TestCase(NodeStatus.Online, 300, null)]
    [TestCase(NodeStatus.Alert, 3600, null)]
    [TestCase(NodeStatus.Maintenance, 3600, null)]
    [TestCase(NodeStatus.Offline, 3600, null)]
    public void Silence_longer_than_the_allowance_takes_an_online_node_offline(NodeStatus from, int silentSeconds, NodeStatus? to) =>
        Assert.That(State(from, Now.AddSeconds(-silentSeconds)).Silent(Now, TimeSpan.FromMinutes(5)), Is.EqualTo(to));

    [Test]
    public void A_node_never_seen_is_not_silent() => Assert.That(State(NodeStatus.Online, null).Silent(Now, TimeSpan.FromMinutes(5)), Is.Null);
}
