using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Demo;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>How the API starts: it waits for a PostgreSQL that is still coming up, and the demo runs as Demo.</summary>
public sealed class StartupTests
{
    [Test]
    public async Task Start_up_waits_for_a_database_that_answers_only_after_a_few_seconds()
    {
        await using var database = await TestDatabase.CreateAsync("startup");
        var reserved = FreePorts.Reserve();
        var port = reserved.Port;
        var settings = SettingsThrough(database, port);
        await using var api = ApiFactory.For(database, settings);

        var clock = Stopwatch.StartNew();
        var starting = Task.Run(() => api.Server);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var startedBeforeTheDatabase = starting.IsCompleted;
        reserved.Dispose();
        using var proxy = TcpForwarder.Start(port, new NpgsqlConnectionStringBuilder(database.AdminConnectionString).Port);
        await starting.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(startedBeforeTheDatabase, Is.False, "start-up waited instead of failing or going on without migrations");
            Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(3)));
        });
        using var client = api.CreateClient();
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    /// <summary>
    /// The API as it runs (its own process): while it waits for PostgreSQL it already listens, live, not ready, saying
    /// why (without the database's address), and every other request is a 503 that says when to retry.
    /// </summary>
    [Test]
    public async Task While_it_waits_for_the_database_the_api_answers_its_health_probes_saying_why()
    {
        await using var database = await TestDatabase.CreateAsync("startup-probe");
        var reserved = FreePorts.Reserve();
        var port = reserved.Port;
        var through = SettingsThrough(database, port);
        using var api = await PlatformProcess.StartAsync($"http://127.0.0.1:{FreePorts.Next()}", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = through["ConnectionStrings:Postgres"]!,
            ["ConnectionStrings__PostgresAdmin"] = through["ConnectionStrings:PostgresAdmin"]!,
            ["ConnectionStrings__Redis"] = "",
            ["Demo__Seed"] = "false",
            ["Jobs__ServerEnabled"] = "false",
        }, "startup-probe", waitUntilReady: false);
        using var client = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };

        // The first answers may come while the first attempt is still connecting.
        var waiting = await AnswerAsync(client, "/health/ready", (_, body) => body.Contains("waiting for PostgreSQL", StringComparison.Ordinal));
        var why = await waiting.Content.ReadAsStringAsync();
        var live = await client.GetAsync("/health/live");
        var other = await client.GetAsync("/api/v1/nodes");
        reserved.Dispose();
        using var proxy = TcpForwarder.Start(port, new NpgsqlConnectionStringBuilder(database.AdminConnectionString).Port);
        var ready = await AnswerAsync(client, "/health/ready", (r, _) => r.StatusCode == HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(waiting.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(why, Does.Contain("waiting for PostgreSQL").And.Contain("ConnectionRefused"));
            Assert.That(why, Does.Not.Contain(port.ToString(System.Globalization.CultureInfo.InvariantCulture)), "not the database's address");
            Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(other.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(other.Headers.RetryAfter, Is.Not.Null);
            Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), "ready once the database answered and was migrated");
        });
    }

    /// <summary>The first answer to <paramref name="path"/> that <paramref name="wanted"/> accepts, within a minute.</summary>
    private static async Task<HttpResponseMessage> AnswerAsync(HttpClient client, string path, Func<HttpResponseMessage, string, bool> wanted)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var response = await client.GetAsync(path);
                if (wanted(response, await response.Content.ReadAsStringAsync()) || clock.Elapsed > TimeSpan.FromMinutes(1))
                {
                    return response;
                }
            }
            catch (HttpRequestException) when (clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                // Not listening yet.
            }

            await Task.Delay(200);
        }
    }

    [Test]
    public async Task Start_up_gives_up_once_the_wait_is_over_and_says_why()
    {
        await using var database = await TestDatabase.CreateAsync("startup-gives-up");
        var settings = SettingsThrough(database, FreePorts.Next());
        settings["Database:StartupWait"] = "00:00:03";
        await using var api = ApiFactory.For(database, settings);

        var clock = Stopwatch.StartNew();
        var failure = Assert.Catch(() => _ = api.Server);

        Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.5)), "it retried before giving up");
        Assert.That(failure!.ToString(), Does.Contain("Failed to connect").Or.Contain("refused"));
    }

    [Test]
    public async Task The_demo_environment_starts_seeded_with_the_demo_users_password_login()
    {
        await using var database = await TestDatabase.CreateAsync("demo-env");
        // Only what any deployment sets: the password login and the seeding come from the Demo environment's settings.
        await using var api = new ApiFactory(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.AppConnectionString,
            ["ConnectionStrings:PostgresAdmin"] = database.AdminConnectionString,
            ["ConnectionStrings:Redis"] = "",
            ["Jobs:ServerEnabled"] = "false",
            ["Auth:Secret"] = ApiFactory.TestJwtSecret,
        }).WithWebHostBuilder(host => host.UseEnvironment("Demo"));
        using var client = api.CreateClient();

        var login = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "admin@evaratech.local", password = DemoTenants.Password });

        await login.ReadEnvelopeAsync(HttpStatusCode.OK);
        Assert.That(await database.ScalarAsync<long>("SELECT count(*) FROM nodes.nodes"), Is.GreaterThan(0), "the demo nodes were seeded");
    }

    /// <summary>The test database's settings, with both connection strings going through <paramref name="port"/>.</summary>
    private static Dictionary<string, string?> SettingsThrough(TestDatabase database, int port) => new()
    {
        ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(database.AppConnectionString) { Port = port, Timeout = 2 }.ConnectionString,
        ["ConnectionStrings:PostgresAdmin"] = new NpgsqlConnectionStringBuilder(database.AdminConnectionString) { Port = port, Timeout = 2 }.ConnectionString,
    };
}
