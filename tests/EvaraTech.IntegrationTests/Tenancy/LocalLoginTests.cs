using System.Net;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Tenancy;

public sealed class LocalLoginTests : TenantWorldTest
{
    [Test]
    public async Task A_correct_password_returns_a_supabase_shaped_token_that_works_on_me()
    {
        var login = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email = "CUST1@evara.test", password = TenantWorld.Password });
        var token = (await login.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data").GetProperty("accessToken").GetString()!;

        var claims = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token);
        using var client = ClientWith(token);
        var me = (await (await client.GetAsync("/api/v1/me")).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        Assert.Multiple(() =>
        {
            Assert.That(claims.Subject, Is.EqualTo(World.CustomerUser1.Id.ToString()));
            Assert.That(claims.GetClaim("email").Value, Is.EqualTo(World.CustomerUser1.Email));
            Assert.That(claims.GetClaim("role").Value, Is.EqualTo("authenticated"));
            Assert.That(claims.Audiences, Is.EquivalentTo(new[] { "authenticated" }));
            Assert.That(claims.Alg, Is.EqualTo("HS256"));
            Assert.That(me.GetProperty("email").GetString(), Is.EqualTo(World.CustomerUser1.Email));
        });
    }

    [TestCase("cust1@evara.test", "wrong-password")]
    [TestCase("nobody@evara.test", TenantWorld.Password)]
    [TestCase("inactive@evara.test", TenantWorld.Password)]
    public async Task Wrong_credentials_get_one_indistinct_answer(string email, string password)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/auth/login", new { email, password });

        var error = (await response.ReadEnvelopeAsync(HttpStatusCode.Unauthorized)).Errors().Single();
        Assert.Multiple(() =>
        {
            Assert.That(error.Code(), Is.EqualTo("INVALID_CREDENTIALS"));
            Assert.That(error.GetProperty("message").GetString(), Is.EqualTo("The email or password is incorrect."));
        });
    }

    [Test]
    public async Task Passwords_are_stored_hashed()
    {
        var stored = await Database.ScalarAsync<string>(
            "SELECT password_hash FROM tenancy.local_credentials WHERE user_id = @id", ("id", World.CustomerUser1.Id));

        Assert.That(stored, Does.Not.Contain(TenantWorld.Password).And.Length.GreaterThan(40));
    }
}

/// <summary>Login limits, on a host of their own so the low limits do not touch other tests.</summary>
public sealed class LoginRateLimitTests
{
    private TestDatabase _database = null!;
    private ApiFactory _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync("ratelimit");
        _api = ApiFactory.For(_database, new Dictionary<string, string?>
        {
            ["Auth:LoginAttemptsPerClientPerMinute"] = "6",
            ["Auth:LoginFailuresPerEmail"] = "3",
        });
        _ = _api.Server;
        await TenantWorld.CreateAsync(_database);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Test, Order(1)]
    public async Task Repeated_failures_for_one_email_throttle_that_email_even_with_the_right_password()
    {
        using var client = _api.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "dist1@evara.test", password = "guess" + i }))
                .ReadEnvelopeAsync(HttpStatusCode.Unauthorized);
        }

        var response = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "dist1@evara.test", password = TenantWorld.Password });
        // Spellings PostgreSQL folds to the same account (a dotted capital I) are the same account to the throttle.
        var variant = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "d\u0130st1@evara.test", password = TenantWorld.Password });

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.TooManyRequests)).Errors().Single().Code(), Is.EqualTo("RATE_LIMITED"));
        Assert.That(variant.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test, Order(2)]
    public async Task Too_many_attempts_from_one_client_are_refused_with_429()
    {
        using var client = _api.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "cust1@evara.test", password = TenantWorld.Password })).StatusCode);
        }

        Assert.That(statuses, Does.Contain(HttpStatusCode.TooManyRequests));
    }
}
