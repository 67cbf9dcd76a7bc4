using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

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
    public async Task CreateNodesAsync()
    {
        await ArrangeAsync(1, _node1, World.Customer1, World.Community1, World.Distributor1, _rule1, _alert1, _notificationRule1, World.DistributorUser1);
        await ArrangeAsync(2, _node2, World.Customer2, World.Community2, World.Distributor2, _rule2, _alert2, _notificationRule2, World.DistributorUser2);
    }

    private static async Task ArrangeAsync(int number, Guid node, Guid customer, Guid community, Guid distributor, Guid rule, Guid alert,
        Guid notificationRule, TestUser distributorUser)
    {
        await NodeBuilder.OfCustomer(customer, community, distributor, node).Named($"iso-node-{number}", $"Node {number}").WithState()
            .WithTank(300).InsertAsync(Database);
        await AlertRuleBuilder.ForNode(distributor, node, rule).Named($"Low {number}").InsertAsync(Database);
        await new AlertBuilder(rule, node, distributor).WithId(alert).Named($"Low {number}").InsertAsync(Database);
        await AlertRows.NotificationRuleAsync(Database, notificationRule, distributorUser.Id);
    }

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
