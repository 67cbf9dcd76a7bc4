using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Demo;
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
        var port = FreePort();
        var settings = SettingsThrough(database, port);
        await using var api = ApiFactory.For(database, settings);

        var clock = Stopwatch.StartNew();
        var starting = Task.Run(() => api.Server);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var startedBeforeTheDatabase = starting.IsCompleted;
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

    [Test]
    public async Task Start_up_gives_up_once_the_wait_is_over_and_says_why()
    {
        await using var database = await TestDatabase.CreateAsync("startup-gives-up");
        var settings = SettingsThrough(database, FreePort());
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A real TCP hop on loopback: the database "comes up" when this starts listening.</summary>
    private sealed class TcpForwarder : IDisposable
    {
        private readonly TcpListener _listener;
        private readonly CancellationTokenSource _stop = new();

        private TcpForwarder(TcpListener listener) => _listener = listener;

        public static TcpForwarder Start(int port, int target)
        {
            var forwarder = new TcpForwarder(new TcpListener(IPAddress.Loopback, port));
            forwarder._listener.Start();
            _ = forwarder.AcceptAsync(target);
            return forwarder;
        }

        private async Task AcceptAsync(int target)
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient inbound;
                try
                {
                    inbound = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                _ = PipeAsync(inbound, target);
            }
        }

        private async Task PipeAsync(TcpClient inbound, int target)
        {
            using (inbound)
            using (var outbound = new TcpClient())
            {
                await outbound.ConnectAsync(IPAddress.Loopback, target);
                var a = inbound.GetStream();
                var b = outbound.GetStream();
                await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
