using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// A NUL byte cannot be stored in PostgreSQL text, and one that reached the database left its pooled connection out
/// of step with the server, so that the next user's request failed. Control characters are refused where they enter,
/// with a 400 naming the field, and never reach a connection.
/// </summary>
public sealed class ControlCharacterTests : TenantWorldTest
{
    private WebApplicationFactory<Program> _api = null!;

    [SetUp]
    public void StartHostWithOneConnection()
    {
        var pooled = new NpgsqlConnectionStringBuilder(Database.AppConnectionString) { MaxPoolSize = 1, Timeout = 10 };
        _api = Platform.Api.WithWebHostBuilder(host => host.UseSetting("ConnectionStrings:Postgres", pooled.ConnectionString));
    }

    [TearDown]
    public void StopHost() => _api.Dispose();

    [Test]
    public async Task A_control_character_in_a_body_or_a_query_is_a_400_naming_the_field()
    {
        using var anonymous = _api.CreateClient();
        using var customer = _api.CreateClient();
        customer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(World.CustomerUser1));

        var body = (await (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = "a\u0000@evara.test", password = "x" }))
            .ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single();
        var bell = (await (await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = "pass\u0007word" }))
            .ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single();
        var query = (await (await customer.GetAsync("/api/v1/nodes?search=tank%00")).ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single();
        var newline = await customer.GetAsync("/api/v1/nodes?search=tank%0A");

        Assert.Multiple(() =>
        {
            Assert.That((body.Field(), body.Code()), Is.EqualTo(("email", "VALIDATION_ERROR")));
            Assert.That(body.GetProperty("message").GetString(), Is.EqualTo("email contains a control character."));
            Assert.That(bell.Field(), Is.EqualTo("password"));
            Assert.That((query.Field(), query.Code()), Is.EqualTo(("search", "VALIDATION_ERROR")));
            Assert.That(newline.StatusCode, Is.EqualTo(HttpStatusCode.OK), "line breaks are text, not control characters here");
        });
    }

    [Test]
    public async Task After_poisoned_requests_on_a_pool_of_one_a_thousand_ordinary_requests_all_succeed()
    {
        using var anonymous = _api.CreateClient();
        using var customer = _api.CreateClient();
        customer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(World.CustomerUser1));
        var poisoned = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            poisoned.Add((await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = $"a\u0000{i}@evara.test", password = "x" })).StatusCode);
            poisoned.Add((await customer.GetAsync($"/api/v1/nodes?search=%00{i}")).StatusCode);
        }

        var login = await anonymous.PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = TenantWorld.Password });
        var ordinary = new Dictionary<HttpStatusCode, int>();
        for (var i = 0; i < 1_000; i++)
        {
            var status = (await customer.GetAsync("/api/v1/nodes")).StatusCode;
            ordinary[status] = ordinary.GetValueOrDefault(status) + 1;
        }

        Assert.Multiple(() =>
        {
            Assert.That(poisoned, Is.All.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ordinary, Is.EqualTo(new Dictionary<HttpStatusCode, int> { [HttpStatusCode.OK] = 1_000 }));
        });
    }
}
