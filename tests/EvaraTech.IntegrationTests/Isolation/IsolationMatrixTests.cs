using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Isolation;

/// <summary>
/// Role × endpoint × in-scope / out-of-scope resource. Modules extend the matrix by adding rows to
/// <see cref="AllRows"/>, not by writing new tests.
/// </summary>
public sealed class IsolationMatrixTests : TenantWorldTest
{
    private static IEnumerable<TestCaseData> AllRows() =>
        TenancyIsolationRows.Rows().Concat(NodeIsolationRows.Rows()).Concat(TelemetryIsolationRows.Rows()).Concat(AlertIsolationRows.Rows()).Select(row => new TestCaseData(row).SetName(row.ToString()));

    private readonly Guid _node1 = Guid.CreateVersion7();
    private readonly Guid _node2 = Guid.CreateVersion7();
    private readonly Guid _rule1 = Guid.CreateVersion7();
    private readonly Guid _rule2 = Guid.CreateVersion7();
    private readonly Guid _alert1 = Guid.CreateVersion7();
    private readonly Guid _alert2 = Guid.CreateVersion7();
    private readonly Guid _notificationRule1 = Guid.CreateVersion7();
    private readonly Guid _notificationRule2 = Guid.CreateVersion7();

    /// <summary>
    /// One node per customer (after the base class has built the world), for the node rows; on each an alert rule of
    /// its distributor with an open alert; a notification rule for each distributor user.
    /// </summary>
    [SetUp]
    public async Task CreateNodesAsync() => await Database.ExecuteAsync("""
        INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, customer_id, owner_distributor_id, owner_community_id)
        VALUES (@n1, 'iso-node-1', 'Node One', 'OHT', 'EvaraTank', 'customer', @k1, @d1, @c1),
               (@n2, 'iso-node-2', 'Node Two', 'OHT', 'EvaraTank', 'customer', @k2, @d2, @c2);
        INSERT INTO nodes.node_operational_state (node_id) VALUES (@n1), (@n2);
        INSERT INTO nodes.device_config_tank (node_id, max_depth_cm) VALUES (@n1, 300), (@n2, 300);
        INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, node_id, metric, operator, threshold, severity)
        VALUES (@r1, @d1, 'Low one', @n1, 'water_level_cm', '<', 50, 'warning'), (@r2, @d2, 'Low two', @n2, 'water_level_cm', '<', 50, 'warning');
        INSERT INTO alerts.alert_history (id, rule_id, node_id, severity, value, message, triggered_at, rule_name, metric, owner_distributor_id)
        VALUES (@a1, @r1, @n1, 'warning', 20, 'Low one', now(), 'Low one', 'water_level_cm', @d1),
               (@a2, @r2, @n2, 'warning', 20, 'Low two', now(), 'Low two', 'water_level_cm', @d2);
        INSERT INTO alerts.alert_notification_rules (id, user_id, severity_min, notification_channels)
        VALUES (@nr1, @u1, 'warning', '[{"type": "email"}]'), (@nr2, @u2, 'warning', '[{"type": "email"}]');
        """,
        ("n1", _node1), ("n2", _node2), ("k1", World.Customer1), ("k2", World.Customer2), ("d1", World.Distributor1),
        ("d2", World.Distributor2), ("c1", World.Community1), ("c2", World.Community2), ("r1", _rule1), ("r2", _rule2), ("a1", _alert1),
        ("a2", _alert2), ("nr1", _notificationRule1), ("nr2", _notificationRule2), ("u1", World.DistributorUser1.Id), ("u2", World.DistributorUser2.Id));

    [TestCaseSource(nameof(AllRows))]
    public async Task The_caller_reaches_exactly_its_scope(IsolationRow row)
    {
        using var client = ClientWith(Tokens.For(Actor(row.Actor)));
        var target = Target(row.Target);
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path.Replace("{target}", target.ToString(), StringComparison.Ordinal));
        if (row.Method is "PUT" or "DELETE" or "POST")
        {
            request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"1\""));
        }

        if (row.Body is not null)
        {
            request.Content = JsonContent.Create(JsonSerializer.Deserialize<JsonElement>(JsonSerializer.Serialize(row.Body)
                .Replace("{target}", target.ToString(), StringComparison.Ordinal)
                .Replace("{customer2}", World.Customer2.ToString(), StringComparison.Ordinal)
                .Replace("{community1}", World.Community1.ToString(), StringComparison.Ordinal)
                .Replace("{community2}", World.Community2.ToString(), StringComparison.Ordinal)));
        }

        var response = await client.SendAsync(request);

        Assert.That((int)response.StatusCode, Is.EqualTo(row.Expected), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Lists_contain_only_the_callers_subtree()
    {
        async Task<Guid[]> IdsAsync(TestUser user, string path)
        {
            using var client = ClientWith(Tokens.For(user));
            var envelope = await (await client.GetAsync(path)).ReadEnvelopeAsync(HttpStatusCode.OK);
            return [.. envelope.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetGuid())];
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/customers"), Is.EquivalentTo(new[] { World.Customer1 }));
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/communities"), Is.EquivalentTo(new[] { World.Community1 }));
            Assert.That(await IdsAsync(World.CustomerUser1, "/api/v1/customers"), Is.EquivalentTo(new[] { World.Customer1 }));
            Assert.That(await IdsAsync(World.CustomerUser1, "/api/v1/distributors"), Is.Empty);
            Assert.That(await IdsAsync(World.Superadmin, "/api/v1/distributors"), Is.EquivalentTo(new[] { World.Distributor1, World.Distributor2 }));
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/nodes"), Is.EquivalentTo(new[] { _node1 }));
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/nodes/map"), Is.EquivalentTo(new[] { _node1 }));
            Assert.That(await IdsAsync(World.CustomerUser1, "/api/v1/nodes"), Is.EquivalentTo(new[] { _node1 }));
            Assert.That(await IdsAsync(World.CustomerUser2, "/api/v1/nodes/map"), Is.EquivalentTo(new[] { _node2 }));
            Assert.That(await IdsAsync(World.Superadmin, "/api/v1/nodes"), Is.EquivalentTo(new[] { _node1, _node2 }));
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/alerts"), Is.EquivalentTo(new[] { _alert1 }));
            Assert.That(await IdsAsync(World.CustomerUser2, "/api/v1/alerts?view=timeline"), Is.EquivalentTo(new[] { _alert2 }));
            Assert.That(await IdsAsync(World.Superadmin, "/api/v1/alerts"), Is.EquivalentTo(new[] { _alert1, _alert2 }));
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/alert-rules"), Is.EquivalentTo(new[] { _rule1 }));
            Assert.That(await IdsAsync(World.CustomerUser1, "/api/v1/alert-rules"), Is.Empty);
            Assert.That(await IdsAsync(World.DistributorUser2, "/api/v1/notification-rules"), Is.EquivalentTo(new[] { _notificationRule2 }));
            Assert.That(await IdsAsync(World.Superadmin, "/api/v1/notification-rules"), Is.Empty);
            Assert.That(await IdsAsync(World.DistributorUser1, "/api/v1/users"),
                Is.EquivalentTo(new[] { World.DistributorUser1.Id, World.CustomerUser1.Id, World.InactiveUser.Id }));
        });
    }

    private TestUser Actor(string name) => name switch
    {
        "superadmin" => World.Superadmin,
        "distributor1" => World.DistributorUser1,
        "customer1" => World.CustomerUser1,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown actor"),
    };

    private Guid Target(string name) => name switch
    {
        "distributor1" => World.Distributor1,
        "distributor2" => World.Distributor2,
        "community1" => World.Community1,
        "community2" => World.Community2,
        "customer1" => World.Customer1,
        "customer2" => World.Customer2,
        "customerUser1" => World.CustomerUser1.Id,
        "customerUser2" => World.CustomerUser2.Id,
        "distributorUser2" => World.DistributorUser2.Id,
        "node1" => _node1,
        "node2" => _node2,
        "rule1" => _rule1,
        "rule2" => _rule2,
        "alert1" => _alert1,
        "alert2" => _alert2,
        "notificationRule1" => _notificationRule1,
        "notificationRule2" => _notificationRule2,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown target"),
    };
}
