using System.Net;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>A host whose PostgreSQL is unreachable answers 503, retryable, and says so on readiness.</summary>
public sealed class DatabaseUnavailableTests
{
    private ApiFactory _api = null!;

    [OneTimeSetUp]
    public void Start()
    {
        // Port 1 on loopback: nothing listens, connections are refused at once.
        const string unreachable = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2";
        _api = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = unreachable,
            ["ConnectionStrings:PostgresAdmin"] = unreachable,
            ["ConnectionStrings:Redis"] = "",
            ["Database:MigrateOnStartup"] = "false",
            ["Jobs:ServerEnabled"] = "false",
            ["Auth:Secret"] = ApiFactory.TestJwtSecret,
            ["Auth:LocalIssuerEnabled"] = "true",
        });
    }

    [OneTimeTearDown]
    public void Stop() => _api.Dispose();

    [Test]
    public async Task A_request_that_needs_the_database_is_a_503_envelope()
    {
        using var client = _api.CreateClient();

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "a@example.com", password = "secret" });

        var envelope = await response.ReadEnvelopeAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Multiple(() =>
        {
            Assert.That(envelope.Errors().Single().Code(), Is.EqualTo("DATABASE_UNAVAILABLE"));
            Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        });
    }

    [Test]
    public async Task Readiness_fails_and_liveness_holds()
    {
        using var client = _api.CreateClient();

        var ready = await client.GetAsync("/health/ready");
        var live = await client.GetAsync("/health/live");

        Assert.Multiple(() =>
        {
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
