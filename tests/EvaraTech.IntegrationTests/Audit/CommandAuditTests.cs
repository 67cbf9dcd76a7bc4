using System.Net.Http.Headers;
using System.Reflection;
using EvaraTech.Api.Hosting;
using EvaraTech.Application.Auditing;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using Mediator;

namespace EvaraTech.IntegrationTests.Audit;

/// <summary>
/// Every state-changing command: success writes exactly one matching audit row, failure writes none. A command
/// without a row here fails <see cref="Every_command_is_covered"/>, so new commands cannot slip past the trail.
/// </summary>
public sealed class CommandAuditTests : TenantWorldTest
{
    /// <param name="Success">a request that succeeds; <c>{target}</c> is the resource</param>
    /// <param name="Failure">a request for the same command that fails (validation, stale version, scope)</param>
    public sealed record Case(string Command, string Action, string ResourceType, string Target, Request Success, Request Failure)
    {
        public override string ToString() => Command;
    }

    public sealed record Request(string Method, string Path, object? Body = null, string? IfMatch = null, string Actor = "superadmin");

    private static IEnumerable<Case> Cases()
    {
        yield return new("CreateDistributorCommand", "CREATE", "distributor", "", new("POST", "/api/v1/distributors", new { name = "New Distributor" }),
            new("POST", "/api/v1/distributors", new { name = "" }));
        yield return new("UpdateDistributorCommand", "UPDATE", "distributor", "distributor1", new("PUT", "/api/v1/distributors/{target}", new { name = "Renamed" }, "\"1\""),
            new("PUT", "/api/v1/distributors/{target}", new { name = "Renamed" }, "\"9\""));
        yield return new("DeleteDistributorCommand", "DELETE", "distributor", "distributor3", new("DELETE", "/api/v1/distributors/{target}", IfMatch: "\"1\""),
            new("DELETE", "/api/v1/distributors/{target}", IfMatch: "\"9\""));
        yield return new("CreateCommunityCommand", "CREATE", "community", "distributor1", new("POST", "/api/v1/communities", new { distributorId = "{target}", name = "N", slug = "n" }),
            new("POST", "/api/v1/communities", new { distributorId = "{target}", name = "N", slug = "community-one" }));
        yield return new("UpdateCommunityCommand", "UPDATE", "community", "community1", new("PUT", "/api/v1/communities/{target}", new { name = "R", slug = "r" }, "\"1\""),
            new("PUT", "/api/v1/communities/{target}", new { name = "R", slug = "NOT OK" }, "\"1\""));
        yield return new("DeleteCommunityCommand", "DELETE", "community", "community3", new("DELETE", "/api/v1/communities/{target}", IfMatch: "\"1\""),
            new("DELETE", "/api/v1/communities/{target}", IfMatch: "\"1\"", Actor: "distributor2"));
        yield return new("CreateCustomerCommand", "CREATE", "customer", "community1", new("POST", "/api/v1/customers", new { communityId = "{target}", name = "Home" }),
            new("POST", "/api/v1/customers", new { communityId = "{target}", name = "Home" }, Actor: "distributor2"));
        yield return new("UpdateCustomerCommand", "UPDATE", "customer", "customer1", new("PUT", "/api/v1/customers/{target}", new { name = "R" }, "\"1\""),
            new("PUT", "/api/v1/customers/{target}", new { name = "R" }));
        yield return new("DeleteCustomerCommand", "DELETE", "customer", "customer3", new("DELETE", "/api/v1/customers/{target}", IfMatch: "\"1\""),
            new("DELETE", "/api/v1/customers/{target}", IfMatch: "\"1\"", Actor: "distributor2"));
        yield return new("CreateUserCommand", "CREATE", "user", "", new("POST", "/api/v1/users", new { email = "n@evara.test", displayName = "N", role = "superadmin", password = "a-long-password-7" }),
            new("POST", "/api/v1/users", new { email = "cust1@evara.test", displayName = "N", role = "superadmin" }));
        yield return new("UpdateUserCommand", "UPDATE", "user", "customerUser1", new("PUT", "/api/v1/users/{target}", new { displayName = "R", role = "customer", customerId = "{customer1}" }, "\"1\""),
            new("PUT", "/api/v1/users/{target}", new { displayName = "R", role = "distributor" }, "\"1\""));
        yield return new("DeleteUserCommand", "DELETE", "user", "customerUser2", new("DELETE", "/api/v1/users/{target}", IfMatch: "\"1\""),
            new("DELETE", "/api/v1/users/{target}", IfMatch: "\"1\"", Actor: "distributor1"));

        var node = new { nodeKey = "audit-new", label = "N", category = "OHT", tenantType = "community", communityId = "{community1}", config = new { maxDepthCm = 300 } };
        var change = new { label = "R", category = "OHT", config = new { maxDepthCm = 300 } };
        var channel = new { channelId = 2998001, mappings = new[] { new { field = "field1", canonicalField = "water_level_cm" } } };
        var calibration = new { field = "temperature_c", type = "linear", parameters = new { slope = 1.0, intercept = 0.0 }, validFrom = "2026-03-01T00:00:00Z" };
        yield return new("CreateNodeCommand", "CREATE", "node", "", new("POST", "/api/v1/nodes", node),
            new("POST", "/api/v1/nodes", new { nodeKey = "audit-bad", label = "N", category = "OHT", tenantType = "community", communityId = "{community1}", lat = 91, lng = 0, config = new { maxDepthCm = 300 } }));
        yield return new("UpdateNodeCommand", "UPDATE", "node", "node3", new("PUT", "/api/v1/nodes/{target}", change, "\"1\""),
            new("PUT", "/api/v1/nodes/{target}", change, "\"9\""));
        yield return new("DeleteNodeCommand", "DELETE", "node", "node3", new("DELETE", "/api/v1/nodes/{target}", IfMatch: "\"1\""),
            new("DELETE", "/api/v1/nodes/{target}", IfMatch: "\"9\""));
        yield return new("MoveNodeCommand", "UPDATE", "node", "node3", new("POST", "/api/v1/nodes/{target}/move", new { tenantType = "customer", customerId = "{customer1}" }, "\"1\""),
            new("POST", "/api/v1/nodes/{target}/move", new { tenantType = "customer", customerId = "{customer1}" }, "\"9\""));
        yield return new("SetNodeMaintenanceCommand", "UPDATE", "node", "node3", new("PUT", "/api/v1/nodes/{target}/maintenance", new { enabled = true }),
            new("PUT", "/api/v1/nodes/{target}/maintenance", new { enabled = true }, Actor: "distributor2"));
        yield return new("ConfigureNodeChannelCommand", "UPDATE", "node", "node3", new("PUT", "/api/v1/nodes/{target}/channel", channel, "\"1\""),
            new("PUT", "/api/v1/nodes/{target}/channel", new { channelId = 2998001, mappings = new[] { new { field = "field9", canonicalField = "water_level_cm" } } }, "\"1\""));
        yield return new("IssueWriteKeyCommand", "UPDATE", "node", "node3", new("POST", "/api/v1/nodes/{target}/channel/write-key"),
            new("POST", "/api/v1/nodes/{target}/channel/write-key", Actor: "distributor2"));
        yield return new("IssueMqttCredentialsCommand", "UPDATE", "node", "node3", new("POST", "/api/v1/nodes/{target}/mqtt-credentials"),
            new("POST", "/api/v1/nodes/{target}/mqtt-credentials", Actor: "distributor2"));
        yield return new("AddNodeCalibrationCommand", "UPDATE", "node", "node3", new("POST", "/api/v1/nodes/{target}/calibrations", calibration),
            new("POST", "/api/v1/nodes/{target}/calibrations", new { field = "water_level_cm", type = "cubic", parameters = new { }, validFrom = "2026-03-01T00:00:00Z" }));
        yield return new("CloseNodeCalibrationCommand", "UPDATE", "node", "node3",
            new("POST", "/api/v1/nodes/{target}/calibrations/{calibration3}/close", new { validUntil = "2026-02-01T00:00:00Z" }),
            new("POST", "/api/v1/nodes/{target}/calibrations/{calibration3}/close", new { validUntil = "2025-01-01T00:00:00Z" }));
        yield return new("RecordNodeFirmwareCommand", "UPDATE", "node", "node3", new("PUT", "/api/v1/nodes/{target}/firmware", new { firmwareVersion = "1.2.3" }),
            new("PUT", "/api/v1/nodes/{target}/firmware", new { firmwareVersion = "" }));
        yield return new("TagNodeCommand", "UPDATE", "node", "node3", new("POST", "/api/v1/nodes/{target}/tags", new { name = "zone", value = "north" }),
            new("POST", "/api/v1/nodes/{target}/tags", new { name = "Bad Name", value = "north" }));
        yield return new("UntagNodeCommand", "UPDATE", "node", "node3", new("DELETE", "/api/v1/nodes/{target}/tags?name=zone&value=north"),
            new("DELETE", "/api/v1/nodes/{target}/tags?name=zone&value=north", Actor: "distributor2"));

        var rule = new { name = "Low", nodeId = "{node3}", metric = "water_level_cm", @operator = "<", threshold = 50, severity = "warning" };
        var subscription = new { severityMin = "warning", channels = new[] { new { type = "email" } } };
        yield return new("CreateAlertRuleCommand", "CREATE", "alert_rule", "", new("POST", "/api/v1/alert-rules", rule),
            new("POST", "/api/v1/alert-rules", new { name = "Low", nodeId = "{node3}", metric = "water_level_cm", @operator = "~", threshold = 50, severity = "warning" }));
        yield return new("UpdateAlertRuleCommand", "UPDATE", "alert_rule", "rule3", new("PUT", "/api/v1/alert-rules/{target}", rule, "\"1\""),
            new("PUT", "/api/v1/alert-rules/{target}", rule, "\"9\""));
        yield return new("DeleteAlertRuleCommand", "DELETE", "alert_rule", "rule3", new("DELETE", "/api/v1/alert-rules/{target}", IfMatch: "\"1\""),
            new("DELETE", "/api/v1/alert-rules/{target}", IfMatch: "\"9\""));
        yield return new("AcknowledgeAlertCommand", "UPDATE", "alert", "alert3", new("POST", "/api/v1/alerts/{target}/acknowledge"),
            new("POST", "/api/v1/alerts/{target}/acknowledge", Actor: "distributor2"));
        yield return new("ResolveAlertCommand", "UPDATE", "alert", "alert3", new("POST", "/api/v1/alerts/{target}/resolve"),
            new("POST", "/api/v1/alerts/{target}/resolve", Actor: "distributor2"));
        yield return new("CreateNotificationRuleCommand", "CREATE", "notification_rule", "", new("POST", "/api/v1/notification-rules", subscription),
            new("POST", "/api/v1/notification-rules", new { severityMin = "loud", channels = new[] { new { type = "email" } } }));
        yield return new("UpdateNotificationRuleCommand", "UPDATE", "notification_rule", "notificationRule3",
            new("PUT", "/api/v1/notification-rules/{target}", subscription, "\"1\""), new("PUT", "/api/v1/notification-rules/{target}", subscription, "\"9\""));
        yield return new("DeleteNotificationRuleCommand", "DELETE", "notification_rule", "notificationRule3",
            new("DELETE", "/api/v1/notification-rules/{target}", IfMatch: "\"1\""), new("DELETE", "/api/v1/notification-rules/{target}", IfMatch: "\"9\""));
        yield return new("TestNotificationRuleCommand", "ACCESS", "notification_rule", "notificationRule3",
            new("POST", "/api/v1/notification-rules/{target}/test"), new("POST", "/api/v1/notification-rules/{target}/test", Actor: "distributor2"));
        yield return new("ReplayDeadLetterCommand", "UPDATE", "dead_letter", "deadLetter3",
            new("POST", "/api/v1/admin/dead-letters/{target}/RecordAuthenticationEvents/replay"),
            new("POST", "/api/v1/admin/dead-letters/{target}/RecordAuthenticationEvents/replay", Actor: "distributor1"));
    }

    private static IEnumerable<TestCaseData> CaseData() => Cases().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Command));

    [Test]
    public void Every_command_is_covered()
    {
        var commands = ApiRegistration.ModuleMarkers.SelectMany(m => m.Assembly.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBaseCommand).IsAssignableFrom(t)
                && t.GetCustomAttribute<AuditedElsewhereAttribute>() is null)
            .Select(t => t.Name);

        Assert.That(Cases().Select(c => c.Command), Is.EquivalentTo(commands));
    }

    [TestCaseSource(nameof(CaseData))]
    public async Task Success_writes_exactly_one_matching_row(Case c)
    {
        await AddDisposableTenantsAsync();
        var response = await SendAsync(c.Success, c.Target);
        Assert.That((int)response.StatusCode, Is.LessThan(300), await response.Content.ReadAsStringAsync());

        var rows = await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs WHERE action_type <> 'AUTHENTICATE'");
        var matching = await Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit.audit_logs WHERE action_type = @action AND resource_type = @type AND user_id IS NOT NULL AND request_id IS NOT NULL",
            ("action", c.Action), ("type", c.ResourceType));
        var operation = await Database.ScalarAsync<string>("SELECT metadata->>'operation' FROM audit.audit_logs WHERE action_type <> 'AUTHENTICATE'");
        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.EqualTo(1));
            Assert.That(matching, Is.EqualTo(1));
            Assert.That(operation, Is.EqualTo(Declared(c.Command)?.Operation));
        });
    }

    [Test]
    public async Task Moving_a_node_is_recorded_as_an_update_of_the_node_named_move()
    {
        var move = Cases().Single(c => c.Command == "MoveNodeCommand");
        await AddDisposableTenantsAsync();
        var response = await SendAsync(move.Success, move.Target);
        Assert.That((int)response.StatusCode, Is.LessThan(300), await response.Content.ReadAsStringAsync());

        Assert.That(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM audit.audit_logs WHERE action_type = 'UPDATE' AND resource_type = 'node' AND metadata->>'operation' = 'move'"), Is.EqualTo(1));
    }

    [Test]
    public void Every_command_declares_its_audit_record_or_that_it_is_recorded_elsewhere()
    {
        var undeclared = ApiRegistration.ModuleMarkers.SelectMany(m => m.Assembly.GetTypes())
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IBaseCommand).IsAssignableFrom(t))
            .Where(t => (t.GetCustomAttribute<AuditedAttribute>() is null) == (t.GetCustomAttribute<AuditedElsewhereAttribute>() is null))
            .Select(t => t.Name);

        Assert.That(undeclared, Is.Empty);
    }

    [TestCaseSource(nameof(CaseData))]
    public async Task Failure_writes_none(Case c)
    {
        await AddDisposableTenantsAsync();
        var response = await SendAsync(c.Failure, c.Target);
        Assert.That((int)response.StatusCode, Is.GreaterThanOrEqualTo(400), await response.Content.ReadAsStringAsync());

        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs WHERE action_type <> 'AUTHENTICATE'"), Is.Zero);
    }

    [Test]
    public async Task An_update_records_what_changed_from_what_to_what()
    {
        await SendAsync(new Request("PUT", "/api/v1/communities/{target}", new { name = "Lakeside", slug = "community-one" }, "\"1\""), "community1");

        var metadata = await Database.ScalarAsync<string>("SELECT metadata::text FROM audit.audit_logs WHERE action_type = 'UPDATE'");

        Assert.That(metadata, Does.Contain("\"name\": {\"to\": \"Lakeside\", \"from\": \"Community One\"}").Or.Contain("\"name\": {\"from\": \"Community One\", \"to\": \"Lakeside\"}"));
        Assert.That(metadata, Does.Not.Contain("slug"), "unchanged fields are not listed");
    }

    /// <summary>A distributor, community and customer with no dependents, for the delete cases.</summary>
    private async Task AddDisposableTenantsAsync()
    {
        await Tenants.DistributorAsync(Database, Spare.Distributor, "Spare Distributor");
        await Tenants.CommunityAsync(Database, Spare.Community, World.Distributor1, "Spare Community", "spare");
        await Tenants.CustomerAsync(Database, Spare.Customer, World.Community1, World.Distributor1, "Spare Customer");
        await NodeBuilder.OfCommunity(World.Community1, World.Distributor1, Spare.Node).Named("audit-spare", "Spare Node").WithState().WithTank(300)
            .WithChannel(2998003).WithCalibration("water_level_cm", 1, 0, new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Spare.Calibration).InsertAsync(Database);
        await AlertRuleBuilder.ForNode(World.Distributor1, Spare.Node, Spare.Rule).Named("Spare rule").InsertAsync(Database);
        await new AlertBuilder(Spare.Rule, Spare.Node, World.Distributor1).WithId(Spare.Alert).Named("Spare rule", "Spare alert").InsertAsync(Database);
        await AlertRows.NotificationRuleAsync(Database, Spare.NotificationRule, World.Superadmin.Id);
        await OutboxRows.DeadLetterAsync(Database, Spare.DeadLetter, World.CustomerUser1.Id, "RecordAuthenticationEvents");
    }

    private static class Spare
    {
        public static readonly Guid Distributor = Guid.Parse("0192f111-0000-7000-8000-000000000003");
        public static readonly Guid Community = Guid.Parse("0192f111-0000-7000-8000-000000000103");
        public static readonly Guid Customer = Guid.Parse("0192f111-0000-7000-8000-000000000203");
        public static readonly Guid Node = Guid.Parse("0192f111-0000-7000-8000-000000000303");
        public static readonly Guid Calibration = Guid.Parse("0192f111-0000-7000-8000-000000000403");
        public static readonly Guid Rule = Guid.Parse("0192f111-0000-7000-8000-000000000503");
        public static readonly Guid Alert = Guid.Parse("0192f111-0000-7000-8000-000000000603");
        public static readonly Guid NotificationRule = Guid.Parse("0192f111-0000-7000-8000-000000000703");
        public static readonly Guid DeadLetter = Guid.Parse("0192f111-0000-7000-8000-000000000803");
    }

    private static AuditedAttribute? Declared(string command) =>
        ApiRegistration.ModuleMarkers.SelectMany(m => m.Assembly.GetTypes()).Single(t => t.Name == command).GetCustomAttribute<AuditedAttribute>();

    private async Task<HttpResponseMessage> SendAsync(Request request, string target)
    {
        var ids = new Dictionary<string, Guid>
        {
            ["distributor1"] = World.Distributor1, ["distributor3"] = Spare.Distributor, ["community1"] = World.Community1,
            ["community3"] = Spare.Community, ["customer1"] = World.Customer1, ["customer3"] = Spare.Customer,
            ["customerUser1"] = World.CustomerUser1.Id, ["customerUser2"] = World.CustomerUser2.Id,
            ["node3"] = Spare.Node, ["calibration3"] = Spare.Calibration, ["rule3"] = Spare.Rule, ["alert3"] = Spare.Alert,
            ["notificationRule3"] = Spare.NotificationRule, ["deadLetter3"] = Spare.DeadLetter,
        };
        string Resolve(string text) => ids.Aggregate(text.Replace("{target}", target.Length == 0 ? "" : ids[target].ToString(), StringComparison.Ordinal),
            (current, id) => current.Replace("{" + id.Key + "}", id.Value.ToString(), StringComparison.Ordinal));

        var actor = request.Actor switch
        {
            "distributor1" => World.DistributorUser1,
            "distributor2" => World.DistributorUser2,
            _ => World.Superadmin,
        };
        using var client = ClientWith(Tokens.For(actor));
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), Resolve(request.Path));
        if (request.Body is not null)
        {
            message.Content = new StringContent(Resolve(System.Text.Json.JsonSerializer.Serialize(request.Body)), System.Text.Encoding.UTF8, "application/json");
        }

        if (request.IfMatch is not null)
        {
            message.Headers.IfMatch.Add(new EntityTagHeaderValue(request.IfMatch));
        }

        return await client.SendAsync(message);
    }
}
