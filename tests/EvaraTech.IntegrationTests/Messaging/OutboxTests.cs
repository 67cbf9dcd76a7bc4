using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>
/// Integration events: written with the change, handed to their handlers after commit (off the request's stack, so a
/// test waits for them), redelivered by the sweeper, never twice at once.
/// </summary>
public sealed class OutboxTests : TenantWorldTest
{
    /// <summary>A handler that records what it receives, and can be told to fail a number of times first.</summary>
    private sealed class Recorder : IIntegrationEventHandler<UserLoggedIn>, IIntegrationEventHandler<LoginFailed>
    {
        public ConcurrentBag<Guid> Received { get; } = [];

        public int FailuresLeft;

        public Task HandleAsync(UserLoggedIn integrationEvent, CancellationToken cancellationToken) => Record(integrationEvent);

        public Task HandleAsync(LoginFailed integrationEvent, CancellationToken cancellationToken) => Record(integrationEvent);

        private async Task Record(IIntegrationEvent integrationEvent)
        {
            if (Interlocked.Decrement(ref FailuresLeft) >= 0)
            {
                throw new InvalidOperationException("audit store down");
            }

            await Task.Delay(5); // long enough for racing sweepers to overlap
            Received.Add(integrationEvent.EventId);
        }
    }

    private Recorder _recorder = null!;
    private WebApplicationFactory<Program> _api = null!;

    [SetUp]
    public void StartHostWithRecorder()
    {
        _recorder = new Recorder();
        _api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddIntegrationEventHandler(_recorder);
        }));
    }

    [TearDown]
    public void StopHost() => _api.Dispose();

    private Task<HttpResponseMessage> LoginAsync(string password, WebApplicationFactory<Program>? api = null) =>
        (api ?? _api).CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password });

    /// <summary>The host with the recorder, and one connection in its pool.</summary>
    private WebApplicationFactory<Program> WithOneConnection()
    {
        var pooled = new NpgsqlConnectionStringBuilder(Database.AppConnectionString) { MaxPoolSize = 1, Timeout = 10 };
        var api = _api.WithWebHostBuilder(host => host.UseSetting("ConnectionStrings:Postgres", pooled.ConnectionString));
        // Started before clients race for it: a factory's first clients created at once would each start a host.
        _ = api.Server;
        return api;
    }

    [Test]
    public async Task A_login_publishes_an_event_that_is_handled_after_commit()
    {
        await (await LoginAsync(TenantWorld.Password)).ReadEnvelopeAsync(HttpStatusCode.OK);
        await _api.HandledAsync();

        var dispatched = await Database.ScalarAsync<long>(
            "SELECT count(*) FROM integration.outbox WHERE event_type = 'UserLoggedIn' AND dispatched_at IS NOT NULL");
        Assert.Multiple(() =>
        {
            Assert.That(dispatched, Is.EqualTo(1));
            Assert.That(_recorder.Received, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_refused_login_is_published_although_its_transaction_rolls_back_and_carries_no_password()
    {
        await (await LoginAsync("not-the-password")).ReadEnvelopeAsync(HttpStatusCode.Unauthorized);
        await _api.HandledAsync();

        var payload = await Database.ScalarAsync<string>("SELECT payload::text FROM integration.outbox WHERE event_type = 'LoginFailed'");
        Assert.That(payload, Does.Contain("wrong_password").And.Not.Contain("not-the-password"));
        Assert.That(_recorder.Received, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_failing_handler_leaves_the_event_pending_and_the_sweeper_delivers_it_later()
    {
        _recorder.FailuresLeft = 1;
        await (await LoginAsync(TenantWorld.Password)).ReadEnvelopeAsync(HttpStatusCode.OK);
        await _api.HandledAsync();
        var pending = await Database.ScalarAsync<string>("SELECT last_error FROM integration.outbox WHERE dispatched_at IS NULL");

        // Past the dispatch window and the handler's back-off.
        await Database.ExecuteAsync("""
            UPDATE integration.outbox SET occurred_at = occurred_at - interval '1 minute', next_attempt_at = now() - interval '1 second';
            UPDATE integration.deliveries SET next_attempt_at = now() - interval '1 second';
            """);
        var swept = await _api.Services.GetRequiredService<OutboxSweeper>().RunAsync(CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(pending, Does.Contain("audit store down"));
            Assert.That(swept, Is.EqualTo(1));
            Assert.That(_recorder.Received, Has.Count.EqualTo(1));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
        });
    }

    /// <summary>
    /// Nothing holds a connection while it waits for another: the login's transaction gives its connection back before
    /// the dispatch claims the event, and the claim gives it back before the audit handler writes. With one connection
    /// in the pool, logins racing for it queue and every event is still handled at once.
    /// </summary>
    [Test]
    public async Task With_a_pool_of_one_connection_racing_logins_are_each_handled_after_commit()
    {
        await using var api = WithOneConnection();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => LoginAsync(TenantWorld.Password, api))));
        await api.HandledAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(responses.Select(r => r.StatusCode), Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(_recorder.Received, Has.Count.EqualTo(8));
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM integration.outbox WHERE event_type = 'UserLoggedIn' AND dispatched_at IS NOT NULL AND claimed_until IS NULL"), Is.EqualTo(8));
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM audit.audit_logs WHERE action_type = 'AUTHENTICATE' AND metadata->>'outcome' = 'success'"), Is.EqualTo(8));
        });
    }

    /// <summary>The refused login's event is written once its rolled-back transaction has given the connection back.</summary>
    [Test]
    public async Task With_a_pool_of_one_connection_a_refused_login_is_still_published()
    {
        await using var api = WithOneConnection();

        await (await LoginAsync("not-the-password", api)).ReadEnvelopeAsync(HttpStatusCode.Unauthorized);
        await api.HandledAsync();
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(_recorder.Received, Has.Count.EqualTo(1));
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM integration.outbox WHERE event_type = 'LoginFailed' AND dispatched_at IS NOT NULL"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Sweepers_racing_over_a_backlog_deliver_each_event_exactly_once()
    {
        // A crash left 60 events undelivered.
        await OutboxRows.UndeliveredLoginsAsync(Database, 60);
        var sweeper = _api.Services.GetRequiredService<OutboxSweeper>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => sweeper.RunAsync(CancellationToken.None))));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(_recorder.Received, Has.Count.EqualTo(60));
            Assert.That(_recorder.Received.Distinct().Count(), Is.EqualTo(60));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
        });
    }
}
