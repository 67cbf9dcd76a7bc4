using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Reflection;
using EvaraTech.Api.Hosting;
using EvaraTech.Application.Auditing;
using EvaraTech.IntegrationTests.Infrastructure;
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
        Assert.Multiple(() =>
        {
            Assert.That(rows, Is.EqualTo(1));
            Assert.That(matching, Is.EqualTo(1));
        });
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
    private async Task AddDisposableTenantsAsync() => await Database.ExecuteAsync("""
        INSERT INTO tenancy.distributors (id, name) VALUES (@d3, 'Spare Distributor');
        INSERT INTO tenancy.communities (id, distributor_id, name, slug) VALUES (@c3, @d1, 'Spare Community', 'spare');
        INSERT INTO tenancy.customers (id, community_id, distributor_id, name) VALUES (@k3, @c1, @d1, 'Spare Customer');
        """, ("d3", Spare.Distributor), ("c3", Spare.Community), ("k3", Spare.Customer), ("d1", World.Distributor1), ("c1", World.Community1));

    private static class Spare
    {
        public static readonly Guid Distributor = Guid.Parse("0192f111-0000-7000-8000-000000000003");
        public static readonly Guid Community = Guid.Parse("0192f111-0000-7000-8000-000000000103");
        public static readonly Guid Customer = Guid.Parse("0192f111-0000-7000-8000-000000000203");
    }

    private async Task<HttpResponseMessage> SendAsync(Request request, string target)
    {
        var ids = new Dictionary<string, Guid>
        {
            ["distributor1"] = World.Distributor1, ["distributor3"] = Spare.Distributor, ["community1"] = World.Community1,
            ["community3"] = Spare.Community, ["customer1"] = World.Customer1, ["customer3"] = Spare.Customer,
            ["customerUser1"] = World.CustomerUser1.Id, ["customerUser2"] = World.CustomerUser2.Id,
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
