using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>
/// Each handler of an event is delivered, retried and recorded on its own: a failing handler is retried after a
/// back-off without running its siblings again, is dead-lettered at the cap, and an operator can replay it.
/// </summary>
public sealed class DeliveryTests : TenantWorldTest
{
    /// <summary>Fails while it is told to; counts every call.</summary>
    private sealed class FlakyHandler : IIntegrationEventHandler<UserLoggedIn>
    {
        public int FailuresLeft;
        public int Calls;
        public int Deliveries;

        public Task HandleAsync(UserLoggedIn integrationEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            if (Interlocked.Decrement(ref FailuresLeft) >= 0)
            {
                throw new InvalidOperationException("warehouse unreachable");
            }

            Interlocked.Increment(ref Deliveries);
            return Task.CompletedTask;
        }
    }

    /// <summary>A sibling handler of the same event that always succeeds.</summary>
    private sealed class SiblingHandler : IIntegrationEventHandler<UserLoggedIn>
    {
        public int Calls;

        public Task HandleAsync(UserLoggedIn integrationEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.CompletedTask;
        }
    }

    /// <summary>Counts how often it is built.</summary>
    private sealed class CountedHandler : IIntegrationEventHandler<UserLoggedIn>
    {
        public static int Built;

        public CountedHandler() => Interlocked.Increment(ref Built);

        public Task HandleAsync(UserLoggedIn integrationEvent, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private FlakyHandler _flaky = null!;
    private SiblingHandler _sibling = null!;
    private WebApplicationFactory<Program> _api = null!;

    [SetUp]
    public void StartHostWithHandlers()
    {
        _flaky = new FlakyHandler();
        _sibling = new SiblingHandler();
        _api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddIntegrationEventHandler(_flaky);
            services.AddIntegrationEventHandler(_sibling);
        }));
    }

    [TearDown]
    public void StopHost() => _api.Dispose();

    /// <summary>Logs in, and waits for the login event's handlers.</summary>
    private async Task LogInAsync()
    {
        await (await _api.CreateClient().PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = TenantWorld.Password }))
            .ReadEnvelopeAsync(HttpStatusCode.OK);
        await _api.HandledAsync();
    }

    private Task<int> SweepAsync() => _api.Services.GetRequiredService<OutboxSweeper>().RunAsync(CancellationToken.None);

    private Task BackOffPassesAsync() => Database.PastEveryBackOffAsync();

    private HttpClient AdminClient(TestUser user)
    {
        var client = _api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(user));
        return client;
    }

    [Test]
    public async Task A_handler_failing_twice_runs_three_times_after_backing_off_while_its_sibling_runs_once()
    {
        _flaky.FailuresLeft = 2;
        await LogInAsync();
        var backOff = await Database.ScalarAsync<double>(
            "SELECT extract(epoch FROM next_attempt_at - now())::float8 FROM integration.deliveries WHERE handler = 'FlakyHandler'");
        var sweptBeforeBackOff = await SweepAsync();

        for (var retry = 0; retry < 2; retry++)
        {
            await BackOffPassesAsync();
            await SweepAsync();
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(backOff, Is.InRange(20, 31), "the first retry waits the configured 30 s");
            Assert.That(sweptBeforeBackOff, Is.Zero, "nothing is retried before its back-off has passed");
            Assert.That(_flaky.Calls, Is.EqualTo(3));
            Assert.That(_flaky.Deliveries, Is.EqualTo(1));
            Assert.That(_sibling.Calls, Is.EqualTo(1), "a sibling that succeeded is not run again");
            Assert.That(await Database.ScalarAsync<int>(
                "SELECT attempts FROM integration.deliveries WHERE handler = 'FlakyHandler' AND delivered_at IS NOT NULL"), Is.EqualTo(3));
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM integration.outbox WHERE event_type = 'UserLoggedIn' AND dispatched_at IS NULL"), Is.Zero);
        });
    }

    [Test]
    public async Task A_delivery_builds_only_the_handler_it_runs()
    {
        CountedHandler.Built = 0;
        await using var api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            services.AddIntegrationEventHandler(_flaky);
            services.AddIntegrationEventHandler(_sibling);
            services.AddIntegrationEventHandler<CountedHandler>();
        }));
        using var client = api.CreateClient();

        for (var login = 0; login < 3; login++)
        {
            await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = TenantWorld.Password }))
                .ReadEnvelopeAsync(HttpStatusCode.OK);
            await api.HandledAsync();
        }

        Assert.Multiple(() =>
        {
            Assert.That(_sibling.Calls, Is.EqualTo(3), "every login's handlers ran");
            // Once when the dispatcher first reads the event's handlers, then once per delivery of its own; not again
            // for each sibling's delivery.
            Assert.That(CountedHandler.Built, Is.EqualTo(4));
        });
    }

    [Test]
    public async Task A_handler_registered_only_by_its_contract_fails_its_deliveries_saying_how_to_register_it()
    {
        await using var api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.AddSingleton<IIntegrationEventHandler<UserLoggedIn>>(new CountedHandler())));
        using var client = api.CreateClient();

        await (await client.PostAsJsonAsync("/api/v1/auth/login", new { email = World.CustomerUser1.Email, password = TenantWorld.Password }))
            .ReadEnvelopeAsync(HttpStatusCode.OK);
        await api.HandledAsync();

        Assert.That(await Database.ScalarAsync<string>("""
            SELECT d.last_error FROM integration.deliveries d JOIN integration.outbox o ON o.id = d.event_id
            WHERE o.event_type = 'UserLoggedIn'
            """), Does.Contain("CountedHandler handles UserLoggedIn but is not registered as itself"));
    }

    [Test]
    public async Task An_event_whose_handlers_all_succeed_leaves_no_delivery_rows()
    {
        await LogInAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(_flaky.Calls + _sibling.Calls, Is.EqualTo(2));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.deliveries"), Is.Zero);
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
        });
    }

    [Test]
    public async Task A_poison_delivery_is_dead_lettered_at_the_cap_listed_for_the_superadmin_and_replayed()
    {
        var cap = new OutboxOptions().MaxAttempts;
        _flaky.FailuresLeft = int.MaxValue;
        await LogInAsync();
        for (var retry = 1; retry < cap + 2; retry++)
        {
            await BackOffPassesAsync();
            await SweepAsync();
        }

        var eventId = await Database.ScalarAsync<Guid>("SELECT id FROM integration.outbox WHERE event_type = 'UserLoggedIn'");
        using var superadmin = AdminClient(World.Superadmin);
        using var distributor = AdminClient(World.DistributorUser1);
        var listed = (await (await superadmin.GetAsync("/api/v1/admin/dead-letters")).ReadEnvelopeAsync(HttpStatusCode.OK))
            .GetProperty("data").EnumerateArray().ToList();
        var forbidden = await distributor.GetAsync("/api/v1/admin/dead-letters");
        var callsWhenDead = _flaky.Calls;

        _flaky.FailuresLeft = 0;
        var replayed = await superadmin.PostAsync($"/api/v1/admin/dead-letters/{eventId}/FlakyHandler/replay", null);
        var replayedAgain = await superadmin.PostAsync($"/api/v1/admin/dead-letters/{eventId}/FlakyHandler/replay", null);
        var afterReplay = (await (await superadmin.GetAsync("/api/v1/admin/dead-letters")).ReadEnvelopeAsync(HttpStatusCode.OK))
            .GetProperty("data").GetArrayLength();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(callsWhenDead, Is.EqualTo(cap), "no attempt after the cap");
            Assert.That(listed, Has.Count.EqualTo(1));
            Assert.That(listed[0].GetProperty("eventId").GetGuid(), Is.EqualTo(eventId));
            Assert.That(listed[0].GetProperty("handler").GetString(), Is.EqualTo("FlakyHandler"));
            Assert.That(listed[0].GetProperty("attempts").GetInt32(), Is.EqualTo(cap));
            Assert.That(listed[0].GetProperty("lastError").GetString(), Does.Contain("warehouse unreachable"));
            Assert.That(listed[0].TryGetProperty("payload", out _), Is.False, "the payload is never shown");
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(_sibling.Calls, Is.EqualTo(1));
            Assert.That(replayed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(_flaky.Deliveries, Is.EqualTo(1));
            Assert.That(replayedAgain.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(afterReplay, Is.Zero);
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM audit.audit_logs WHERE resource_type = 'dead_letter' AND metadata->>'operation' = 'replay'"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Pruning_removes_old_delivered_events_and_keeps_pending_ones_and_dead_letters()
    {
        await Database.ExecuteAsync("""
            INSERT INTO integration.outbox (id, event_type, payload, occurred_at, dispatched_at)
            VALUES ('00000000-0000-7000-8000-000000000001', 'UserLoggedIn', '{}', now() - interval '9 days', now() - interval '8 days'),
                   ('00000000-0000-7000-8000-000000000002', 'UserLoggedIn', '{}', now() - interval '2 days', now() - interval '2 days'),
                   ('00000000-0000-7000-8000-000000000003', 'UserLoggedIn', '{}', now() - interval '9 days', NULL),
                   ('00000000-0000-7000-8000-000000000004', 'UserLoggedIn', '{}', now() - interval '9 days', now() - interval '8 days');
            INSERT INTO integration.deliveries (event_id, handler, attempts, last_error, dead_at)
            VALUES ('00000000-0000-7000-8000-000000000004', 'FlakyHandler', 8, 'warehouse unreachable', now() - interval '8 days');
            """);

        var pruned = await _api.Services.GetRequiredService<OutboxPruning>().RunAsync(CancellationToken.None);

        var left = await Database.ScalarAsync<string>("SELECT string_agg(right(id::text, 1), ',' ORDER BY id) FROM integration.outbox");
        Assert.Multiple(() =>
        {
            Assert.That(pruned, Is.EqualTo(1));
            Assert.That(left, Is.EqualTo("2,3,4"));
        });
    }
}
