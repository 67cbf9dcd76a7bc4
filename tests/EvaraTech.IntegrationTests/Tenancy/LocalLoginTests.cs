using System.Net;
using System.Net.Http.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

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

/// <summary>
/// Login limits, on hosts of their own so the low limits do not touch other tests. Each request says which client
/// address it comes from (the test host has no sockets); each test uses accounts and addresses of its own.
/// </summary>
public sealed class LoginRateLimitTests
{
    private const string AddressHeader = "X-Test-Client-Address";

    private static readonly Dictionary<string, string?> Limits = new()
    {
        ["Auth:LoginAttemptsPerClientPerMinute"] = "8",
        ["Auth:LoginFailuresPerEmail"] = "3",
        ["Auth:LoginFailuresPerAccount"] = "6",
        ["Auth:LoginFailuresPerClient"] = "100",
        ["Auth:LoginFirstDelay"] = "00:00:20",
    };

    private TestDatabase _database = null!;
    private WebApplicationFactory<Program> _api = null!;
    private WebApplicationFactory<Program> _secondInstance = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _database = await TestDatabase.CreateAsync("ratelimit");
        _api = WithClientAddresses(ApiFactory.For(_database, Limits));
        _secondInstance = WithClientAddresses(ApiFactory.For(_database, Limits));
        _ = _api.Server;
        await TenantWorld.CreateAsync(_database);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _secondInstance.DisposeAsync();
        await _api.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static WebApplicationFactory<Program> WithClientAddresses(ApiFactory factory) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>()));

    private static async Task<HttpResponseMessage> LoginAsync(WebApplicationFactory<Program> api, string address, string email, string password)
    {
        using var client = api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { email, password }) };
        request.Headers.Add(AddressHeader, address);
        return await client.SendAsync(request);
    }

    private async Task FailAsync(string address, string email, int times, WebApplicationFactory<Program>? api = null)
    {
        for (var i = 0; i < times; i++)
        {
            await (await LoginAsync(api ?? _api, address, email, "guess" + i)).ReadEnvelopeAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Test]
    public async Task Failures_from_one_address_make_that_address_wait_even_with_the_right_password_and_spellings_count_as_one()
    {
        await FailAsync("203.0.113.10", "dist1@evara.test", 3);

        var response = await LoginAsync(_api, "203.0.113.10", "dist1@evara.test", TenantWorld.Password);
        // Spellings PostgreSQL folds to the same account (a dotted capital I) are the same account to the throttle.
        var variant = await LoginAsync(_api, "203.0.113.10", "d\u0130st1@evara.test", TenantWorld.Password);

        Assert.That((await response.ReadEnvelopeAsync(HttpStatusCode.TooManyRequests)).Errors().Single().Code(), Is.EqualTo("RATE_LIMITED"));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(20)).Within(TimeSpan.FromSeconds(2)));
        Assert.That(variant.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Anonymous_wrong_passwords_do_not_lock_the_owner_out_from_their_own_address()
    {
        await FailAsync("203.0.113.20", "super@evara.test", 3);
        await FailAsync("203.0.113.21", "super@evara.test", 2);

        var owner = await LoginAsync(_api, "198.51.100.20", "super@evara.test", TenantWorld.Password);

        await owner.ReadEnvelopeAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task Each_further_failure_doubles_the_wait()
    {
        await FailAsync("203.0.113.30", "cust1@evara.test", 3);
        var first = (await LoginAsync(_api, "203.0.113.30", "cust1@evara.test", "x")).Headers.RetryAfter?.Delta;
        await _database.ExecuteAsync("UPDATE tenancy.login_failures SET last_failure_at = now() - interval '1 minute' WHERE key LIKE '%cust1@%'");
        await (await LoginAsync(_api, "203.0.113.30", "cust1@evara.test", "guess")).ReadEnvelopeAsync(HttpStatusCode.Unauthorized);

        var second = (await LoginAsync(_api, "203.0.113.30", "cust1@evara.test", "x")).Headers.RetryAfter?.Delta;

        Assert.That(first, Is.EqualTo(TimeSpan.FromSeconds(20)).Within(TimeSpan.FromSeconds(2)));
        Assert.That(second, Is.EqualTo(TimeSpan.FromSeconds(40)).Within(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task A_guesser_who_keeps_failing_keeps_waiting_however_long_ago_the_first_failure_was()
    {
        await FailAsync("203.0.113.70", "inactive@evara.test", 3);
        // The campaign began 20 minutes ago, longer than the window; its failures never stopped.
        await _database.ExecuteAsync(
            "UPDATE tenancy.login_failures SET window_started_at = now() - interval '20 minutes' WHERE key LIKE '%203.0.113.70%'");

        var response = await LoginAsync(_api, "203.0.113.70", "inactive@evara.test", "again");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Guessing_spread_over_many_addresses_slows_the_account_everywhere()
    {
        for (var i = 0; i < 6; i++)
        {
            await FailAsync($"192.0.2.{i + 1}", "dist2@evara.test", 1);
        }

        var elsewhere = await LoginAsync(_api, "198.51.100.99", "dist2@evara.test", TenantWorld.Password);

        Assert.That(elsewhere.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task The_count_is_shared_by_every_instance()
    {
        await FailAsync("203.0.113.40", "cust2@evara.test", 3, _secondInstance);

        var response = await LoginAsync(_api, "203.0.113.40", "cust2@evara.test", TenantWorld.Password);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
    }

    [Test]
    public async Task Too_many_attempts_from_one_client_are_refused_with_429_and_counted_for_the_audit_trail()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            statuses.Add((await LoginAsync(_api, "203.0.113.50", $"nobody{i}@evara.test", "x")).StatusCode);
        }

        var reported = await _api.Services.GetRequiredService<RefusedTokenReporter>().FlushAsync(CancellationToken.None);

        Assert.That(statuses, Does.Contain(HttpStatusCode.TooManyRequests));
        Assert.That(reported, Is.GreaterThanOrEqualTo(statuses.Count(s => s == HttpStatusCode.TooManyRequests)));
    }

    [TestCase("{\"email\":\"a\\u0000b@evara.test\",\"password\":\"x\"}", TestName = "A login refused at the edge is audited")]
    [TestCase("{\"email\":\"not-an-email\",\"password\":\"x\"}", TestName = "A login refused by validation is audited")]
    public async Task A_refused_login_is_audited(string body)
    {
        using var client = _api.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(AddressHeader, "203.0.113.60");
        var before = await FailuresAuditedAsync("malformed_request");

        await (await client.SendAsync(request)).ReadEnvelopeAsync(HttpStatusCode.BadRequest);

        Assert.That(() => FailuresAuditedAsync("malformed_request"), Is.EqualTo(before + 1).After(5000, 50));
    }

    private Task<long> FailuresAuditedAsync(string reason) => _database.ScalarAsync<long>(
        "SELECT count(*) FROM audit.audit_logs WHERE action_type = 'AUTHENTICATE' AND metadata->>'reason' = @reason", ("reason", reason));

    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[AddressHeader].ToString(), out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return following(context);
            });
            next(app);
        };
    }
}
