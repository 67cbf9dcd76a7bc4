using System.Net;
using System.Text.Json;

namespace EvaraTech.IntegrationTests.Foundation;

public sealed class HostTests : IntegrationTest
{
    [Test]
    public async Task Readiness_reports_postgres_healthy()
    {
        var response = await Client.GetAsync("/health/ready");

        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body.GetProperty("status").GetString(), Is.EqualTo("Healthy"));
            Assert.That(body.GetProperty("checks").GetProperty("postgres").GetProperty("status").GetString(), Is.EqualTo("Healthy"));
        });
    }

    [Test]
    public async Task The_openapi_document_is_served_and_lists_the_routes()
    {
        var response = await Client.GetAsync("/openapi/v1.json");

        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(document.GetProperty("paths").TryGetProperty("/api/v1/auth/login", out _), Is.True);
        });
    }

    [Test]
    public async Task The_reference_ui_is_served()
    {
        var response = await Client.GetAsync("/scalar");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("<html").IgnoreCase);
    }

    [Test]
    public async Task The_application_connects_as_a_role_that_row_level_security_applies_to()
    {
        var roles = await Database.ScalarAsync<string>(
            "SELECT string_agg(rolname || ':' || rolsuper || ':' || rolbypassrls, ',') FROM pg_roles WHERE rolname = @name",
            ("name", new Npgsql.NpgsqlConnectionStringBuilder(Database.AppConnectionString).Username!));

        Assert.That(roles, Does.EndWith(":false:false"));
    }
}
