using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>The tenant hierarchy's API: versioned writes, conflicts, validation, and roles read from the database.</summary>
public sealed class TenantManagementTests : TenantWorldTest
{
    private static HttpRequestMessage Put(string path, object body, string? ifMatch) =>
        new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body) }.WithIfMatch(ifMatch);

    [Test]
    public async Task Creating_a_community_answers_201_with_location_and_etag()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.PostAsJsonAsync("/api/v1/communities", new { distributorId = World.Distributor1, name = "Lake View", slug = "lake-view" });

        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/communities/{data.GetProperty("id").GetGuid()}"));
            Assert.That(response.Headers.ETag!.Tag, Is.EqualTo("\"1\""));
            Assert.That(data.GetProperty("distributorId").GetGuid(), Is.EqualTo(World.Distributor1));
        });
    }

    [Test]
    public async Task An_update_without_if_match_is_428_and_changes_nothing()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.SendAsync(Put($"/api/v1/communities/{World.Community1}", new { name = "X", slug = "x" }, null));

        var error = (await response.ReadEnvelopeAsync((HttpStatusCode)428)).Errors().Single();
        Assert.That(error.Code(), Is.EqualTo("PRECONDITION_REQUIRED"));
        Assert.That(await Database.ScalarAsync<string>("SELECT name FROM tenancy.communities WHERE id = @id", ("id", World.Community1)), Is.EqualTo("Community One"));
    }

    [Test]
    public async Task A_stale_version_is_409_and_a_fresh_one_succeeds_with_the_next_etag()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var stale = await client.SendAsync(Put($"/api/v1/communities/{World.Community1}", new { name = "X", slug = "x" }, "\"7\""));
        var fresh = await client.SendAsync(Put($"/api/v1/communities/{World.Community1}", new { name = "Renamed", slug = "renamed" }, "\"1\""));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await stale.ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single().Code(), Is.EqualTo("CONCURRENCY_CONFLICT"));
            Assert.That((await fresh.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("name").GetString(), Is.EqualTo("Renamed"));
            Assert.That(fresh.Headers.ETag!.Tag, Is.EqualTo("\"2\""));
        });
    }

    [Test]
    public async Task Two_updates_racing_with_the_same_version_one_wins_one_conflicts()
    {
        using var first = ClientWith(Tokens.For(World.DistributorUser1));
        using var second = ClientWith(Tokens.For(World.Superadmin));

        var responses = await Task.WhenAll(
            first.SendAsync(Put($"/api/v1/customers/{World.Customer1}", new { name = "First" }, "\"1\"")),
            second.SendAsync(Put($"/api/v1/customers/{World.Customer1}", new { name = "Second" }, "\"1\"")));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Is.EquivalentTo(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }));
            Assert.That(await Database.ScalarAsync<long>("SELECT version FROM tenancy.customers WHERE id = @id", ("id", World.Customer1)), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_matching_if_none_match_is_304()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/distributors/{World.Distributor1}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\""));

        var response = await client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
    }

    [Test]
    public async Task A_duplicate_slug_is_409_naming_the_field()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var response = await client.PostAsJsonAsync("/api/v1/communities", new { distributorId = World.Distributor2, name = "Copy", slug = "community-one" });

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single();
        Assert.That(error.Field(), Is.EqualTo("slug"));
    }

    [Test]
    public async Task A_malformed_slug_is_422_naming_the_field_and_nothing_is_stored()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var response = await client.PostAsJsonAsync("/api/v1/communities", new { distributorId = World.Distributor2, name = "Bad", slug = "Bad Slug!" });

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(error.Code(), Is.EqualTo("INVALID_SLUG"));
            Assert.That(error.Field(), Is.EqualTo("slug"));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM tenancy.communities"), Is.EqualTo(2));
        });
    }

    /// <summary>A tenant that still owns anything is refused by name; once empty, it goes.</summary>
    [Test]
    public async Task Deleting_a_tenant_that_still_owns_anything_is_409_naming_how_many_of_what()
    {
        await NodeBuilder.OfCustomer(World.Customer2, World.Community2, World.Distributor2).Named("owned-node", "Owned node").InsertAsync(Database);
        var owned = await Database.ScalarAsync<string>("""
            SELECT (SELECT count(*) FROM tenancy.communities WHERE distributor_id = @d) || ' ' || (SELECT count(*) FROM tenancy.customers WHERE distributor_id = @d)
                   || ' ' || (SELECT count(*) FROM tenancy.users_profiles WHERE distributor_id = @d) || ' ' || (SELECT count(*) FROM tenancy.users_profiles WHERE customer_id = @c)
            """, ("d", World.Distributor2), ("c", World.Customer2));
        var (communities, customers, users, customerUsers) = owned!.Split(' ') switch { var p => (p[0], p[1], p[2], p[3]) };
        using var client = ClientWith(Tokens.For(World.Superadmin));

        async Task<HttpResponseMessage> DeleteAsync(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, path).WithIfMatch("\"1\"");
            return await client.SendAsync(request);
        }

        var distributor = (await (await DeleteAsync($"/api/v1/distributors/{World.Distributor2}")).ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single();
        var customer = (await (await DeleteAsync($"/api/v1/customers/{World.Customer2}")).ReadEnvelopeAsync(HttpStatusCode.Conflict)).Errors().Single();
        await Database.ExecuteAsync("DELETE FROM nodes.nodes WHERE node_key = 'owned-node'");
        await Database.ExecuteAsync("DELETE FROM tenancy.users_profiles WHERE customer_id = @c", ("c", World.Customer2));
        var emptied = await DeleteAsync($"/api/v1/customers/{World.Customer2}");
        static string Count(string n, string one, string many) => $"{n} {(n == "1" ? one : many)}";

        Assert.Multiple(() =>
        {
            Assert.That(distributor.Code(), Is.EqualTo("TENANT_NOT_EMPTY"));
            Assert.That(distributor.GetProperty("message").GetString(), Is.EqualTo(
                $"The distributor still owns {Count(communities, "community", "communities")}, {Count(customers, "customer", "customers")}, {Count(users, "user", "users")}, 1 node: move or delete them first."));
            Assert.That(customer.GetProperty("message").GetString(), Is.EqualTo($"The customer still owns {Count(customerUsers, "user", "users")}, 1 node: move or delete them first."));
            Assert.That(emptied.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "nothing left: deleted");
        });
    }

    [TestCase("limit=1000", "limit")]
    [TestCase("page=0", "page")]
    [TestCase("sort=name;DROP TABLE tenancy.customers", "sort")]
    [TestCase("sort=password_hash", "sort")]
    [TestCase("limit=abc", "limit")]
    public async Task Bad_list_parameters_are_400_naming_the_parameter(string query, string field)
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var response = await client.GetAsync($"/api/v1/customers?{query}");

        var errors = (await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors();
        Assert.That(errors.Select(e => e.Field()), Does.Contain(field));
    }

    [Test]
    public async Task Lists_page_with_totals()
    {
        using var client = ClientWith(Tokens.For(World.Superadmin));

        var envelope = await (await client.GetAsync("/api/v1/users?limit=2&page=2&sort=email")).ReadEnvelopeAsync(HttpStatusCode.OK);

        var pagination = envelope.GetProperty("meta").GetProperty("pagination");
        Assert.Multiple(() =>
        {
            Assert.That(pagination.GetProperty("total").GetInt64(), Is.EqualTo(6));
            Assert.That(pagination.GetProperty("totalPages").GetInt32(), Is.EqualTo(3));
            Assert.That(envelope.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("email").GetString()),
                Is.EqualTo(new[] { "dist1@evara.test", "dist2@evara.test" }));
        });
    }

    [Test]
    public async Task A_role_lowered_in_the_database_loses_the_permission_on_the_next_request_with_the_same_token()
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var before = await client.GetAsync("/api/v1/users");

        await Database.ExecuteAsync("UPDATE tenancy.users_profiles SET role = 'customer', distributor_id = NULL WHERE id = @id",
            ("id", World.DistributorUser1.Id));
        var after = await client.GetAsync("/api/v1/users");

        Assert.Multiple(() =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task A_user_created_with_a_password_can_log_in_and_sees_its_customer()
    {
        using var admin = ClientWith(Tokens.For(World.Superadmin));

        var created = await admin.PostAsJsonAsync("/api/v1/users", new
        {
            email = "new.customer@evara.test", displayName = "New Customer", role = "customer", customerId = World.Customer2, password = "a-long-password-1",
        });
        var user = (await created.ReadEnvelopeAsync(HttpStatusCode.Created)).GetProperty("data");
        var login = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = "new.customer@evara.test", password = "a-long-password-1" });
        var token = (await login.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("accessToken").GetString()!;
        using var customer = ClientWith(token);
        var visible = await customer.GetAsync($"/api/v1/customers/{World.Customer2}");

        Assert.Multiple(() =>
        {
            Assert.That(user.GetProperty("distributorId").GetGuid(), Is.EqualTo(World.Distributor2), "the distributor follows the customer");
            Assert.That(visible.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task A_distributor_user_without_a_distributor_is_422_naming_the_field()
    {
        using var admin = ClientWith(Tokens.For(World.Superadmin));

        var response = await admin.PostAsJsonAsync("/api/v1/users", new { email = "x@evara.test", displayName = "X", role = "distributor" });

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.UnprocessableEntity)).Errors().Single().Field(), Is.EqualTo("distributorId"));
    }
}

internal static class RequestExtensions
{
    public static HttpRequestMessage WithIfMatch(this HttpRequestMessage request, string? etag)
    {
        if (etag is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        }

        return request;
    }
}
