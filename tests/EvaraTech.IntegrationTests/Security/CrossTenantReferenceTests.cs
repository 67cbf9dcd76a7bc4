using System.Net;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// Ids and addresses named inside a body are checked against the caller's scope like ids in a path: another tenant's
/// node or tag is "not found" (the field named), and alerts are emailed only to platform users the caller sees.
/// </summary>
public sealed class CrossTenantReferenceTests : TenantWorldTest
{
    private Guid _ownNode;
    private Guid _otherNode;

    [SetUp]
    public async Task ArrangeNodesAsync()
    {
        _ownNode = await NodeBuilder.OfDistributor(World.Distributor1).Named("own-tank", "Own tank").WithState().WithTank(300).InsertAsync(Database);
        _otherNode = await NodeBuilder.OfDistributor(World.Distributor2).Named("other-tank", "Other tank").WithState().WithTank(300).InsertAsync(Database);
    }

    private static object Subscription(Guid[]? nodeIds = null, string? address = null) => new
    {
        severityMin = "warning", nodeIds, channels = new[] { new { type = "email", address } },
    };

    [Test]
    public async Task A_notification_rule_naming_another_tenants_node_is_not_found()
    {
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));

        var other = await distributor.PostAsJsonAsync("/api/v1/notification-rules", Subscription([_ownNode, _otherNode]));
        var own = await distributor.PostAsJsonAsync("/api/v1/notification-rules", Subscription([_ownNode]));

        var error = (await other.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single();
        Assert.Multiple(() =>
        {
            Assert.That((error.Code(), error.Field()), Is.EqualTo(("NOT_FOUND", "nodeIds")));
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });
    }

    [Test]
    public async Task Alerts_are_emailed_only_to_users_the_caller_sees()
    {
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));

        var stranger = await distributor.PostAsJsonAsync("/api/v1/notification-rules", Subscription(address: "someone@elsewhere.test"));
        var otherTenant = await distributor.PostAsJsonAsync("/api/v1/notification-rules", Subscription(address: World.DistributorUser2.Email));
        var ownCustomer = await distributor.PostAsJsonAsync("/api/v1/notification-rules", Subscription(address: World.CustomerUser1.Email.ToUpperInvariant()));
        var self = await distributor.PostAsJsonAsync("/api/v1/notification-rules", Subscription());

        var strangerError = (await stranger.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single();
        var otherError = (await otherTenant.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single();
        Assert.Multiple(() =>
        {
            Assert.That((strangerError.Code(), strangerError.Field()), Is.EqualTo(("INVALID_CHANNEL", "channels[0].address")));
            Assert.That(otherError.Field(), Is.EqualTo("channels[0].address"));
            Assert.That(ownCustomer.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(self.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });
    }

    [Test]
    public async Task An_alert_rule_selecting_a_tag_only_another_tenants_nodes_carry_is_not_found()
    {
        using var superadmin = ClientWith(Tokens.For(World.Superadmin));
        using var distributor = ClientWith(Tokens.For(World.DistributorUser1));
        (await superadmin.PostAsJsonAsync($"/api/v1/nodes/{_otherNode}/tags", new { name = "zone", value = "south" })).EnsureSuccessStatusCode();
        (await superadmin.PostAsJsonAsync($"/api/v1/nodes/{_ownNode}/tags", new { name = "zone", value = "north" })).EnsureSuccessStatusCode();
        var south = await Database.ScalarAsync<Guid>("SELECT id FROM nodes.device_tags WHERE tag_value = 'south'");
        var north = await Database.ScalarAsync<Guid>("SELECT id FROM nodes.device_tags WHERE tag_value = 'north'");

        object Rule(Guid tag) => new
        {
            name = "Tagged", selector = new { tagId = tag }, metric = "water_level_cm", @operator = "<", threshold = 5, severity = "warning",
        };
        var others = await distributor.PostAsJsonAsync("/api/v1/alert-rules", Rule(south));
        var own = await distributor.PostAsJsonAsync("/api/v1/alert-rules", Rule(north));

        var error = (await others.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single();
        Assert.Multiple(() =>
        {
            Assert.That((error.Code(), error.Field()), Is.EqualTo(("NOT_FOUND", "selector.tagId")));
            Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });
    }
}
