using System.Net;
using System.Net.Http.Json;
using System.Text;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>Every failure is answered in the envelope with a stable code, the request id and no internals.</summary>
public sealed class ErrorHandlingTests : IntegrationTest
{
    [Test]
    public async Task Unknown_route_is_a_404_envelope()
    {
        var response = await Client.GetAsync("/api/v1/no-such-thing");

        var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.NotFound);
        Assert.That(envelope.Errors().Single().Code(), Is.EqualTo("ROUTE_NOT_FOUND"));
    }

    [Test]
    public async Task Wrong_method_is_a_405_envelope()
    {
        var response = await Client.GetAsync("/api/v1/auth/login");

        var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.MethodNotAllowed);
        Assert.That(envelope.Errors().Single().Code(), Is.EqualTo("METHOD_NOT_ALLOWED"));
    }

    [Test]
    public async Task Malformed_json_is_a_400_with_a_code()
    {
        using var body = new StringContent("{\"email\": \"a@b.c\", \"password\": ", Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/api/v1/auth/login", body);

        var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest);
        Assert.That(envelope.Errors().Single().Code(), Is.EqualTo("MALFORMED_REQUEST"));
    }

    [Test]
    public async Task A_wrongly_typed_json_value_names_its_field()
    {
        using var body = new StringContent("{\"email\": 42, \"password\": \"x\"}", Encoding.UTF8, "application/json");

        var response = await Client.PostAsync("/api/v1/auth/login", body);

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors().Single();
        Assert.Multiple(() =>
        {
            Assert.That(error.Code(), Is.EqualTo("MALFORMED_REQUEST"));
            Assert.That(error.Field(), Is.EqualTo("email"));
        });
    }

    [Test]
    public async Task A_validation_failure_names_every_failing_field()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = "not-an-email", password = "" });

        var errors = (await response.ReadEnvelopeAsync(HttpStatusCode.BadRequest)).Errors();
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.Code()), Is.All.EqualTo("VALIDATION_ERROR"));
            Assert.That(errors.Select(e => e.Field()).Distinct(), Is.EquivalentTo(new[] { "email", "password" }));
        });
    }

    [Test]
    public async Task An_unexpected_failure_is_a_500_without_internals()
    {
        // A defect the code does not expect: the application role has lost a privilege it needs.
        await Database.ExecuteAsync("REVOKE EXECUTE ON FUNCTION tenancy.find_local_credentials(text) FROM evaratech_app");
        try
        {
            var response = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.com", password = "secret" });

            var body = await response.Content.ReadAsStringAsync();
            var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.InternalServerError);
            Assert.Multiple(() =>
            {
                Assert.That(envelope.Errors().Single().Code(), Is.EqualTo("INTERNAL_ERROR"));
                foreach (var leak in new[] { "permission", "find_local_credentials", "tenancy", "Npgsql", "SELECT", "   at " })
                {
                    Assert.That(body, Does.Not.Contain(leak).IgnoreCase, $"the response leaks '{leak}'");
                }
            });
        }
        finally
        {
            await Database.ExecuteAsync("GRANT EXECUTE ON FUNCTION tenancy.find_local_credentials(text) TO evaratech_app");
        }
    }

    [Test]
    public async Task Every_response_carries_the_trace_id_as_request_id()
    {
        var response = await Client.GetAsync("/health/live");

        var header = response.Headers.GetValues("X-Request-Id").Single();
        Assert.That(header, Does.Match("^[0-9a-f]{32}$"), "a W3C trace id");
    }
}
