using System.Collections.Concurrent;
using System.Diagnostics;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>
/// Handlers run off the publisher's stack: a device push answers once its readings are committed, and a stopping
/// host finishes the handlers of what it queued.
/// </summary>
public sealed class DispatchQueueTests : TenantWorldTest
{
    private sealed class SlowHandler(TimeSpan duration) : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        private int _handled;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Handled => _handled;

        public async Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken)
        {
            await Task.Delay(duration, cancellationToken);
            Interlocked.Increment(ref _handled);
            Done.TrySetResult();
        }
    }

    /// <summary>Fails as a timed-out HTTP call does: with a cancellation nobody asked for.</summary>
    private sealed class TimingOutHandler : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        public Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken) =>
            throw new TaskCanceledException("The request was canceled due to the configured HttpClient.Timeout.");
    }

    [Test]
    public async Task A_handler_failing_with_a_cancellation_is_retried_later_and_the_workers_go_on()
    {
        await using var api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.AddIntegrationEventHandler(new TimingOutHandler())));
        await ArrangePushedTankAsync("TIMEOUTKEY000001", 4_500_003);
        using var client = api.CreateClient();

        for (var i = 0; i < 6; i++)
        {
            await client.GetStringAsync($"/update?api_key=TIMEOUTKEY000001&field1={100 + i}");
        }

        await api.HandledAsync();
        Assert.That(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM integration.deliveries WHERE handler = 'TimingOutHandler' AND delivered_at IS NULL AND next_attempt_at IS NOT NULL"),
            Is.EqualTo(6), "each event's failure was recorded for a retry, none lost with a dead worker");
    }

    private async Task ArrangePushedTankAsync(string writeKey, long channelId) =>
        await NodeBuilder.OfDistributor(World.Distributor1).Named(writeKey, writeKey).WithState().WithTank(300)
            .WithChannel(channelId, writeKey: writeKey).WithMapping("field1", "water_level_cm").InsertAsync(Database);

    [Test]
    public async Task A_host_stopping_with_events_queued_finishes_their_handlers_and_leaves_nothing_undelivered()
    {
        var slow = new SlowHandler(TimeSpan.FromSeconds(1));
        var api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.AddIntegrationEventHandler(slow)));
        await ArrangePushedTankAsync("STOPPINGKEY00001", 4_500_002);
        using (var client = api.CreateClient())
        {
            for (var i = 0; i < 6; i++)
            {
                Assert.That(await client.GetStringAsync($"/update?api_key=STOPPINGKEY00001&field1={100 + i}"), Is.Not.EqualTo("0"));
            }
        }

        await api.DisposeAsync();

        Assert.That(slow.Handled, Is.EqualTo(6), "the queue was finished before the host stopped");
        Assert.That(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM integration.outbox WHERE event_type = 'TelemetryBatchRecorded' AND dispatched_at IS NULL"), Is.Zero);
    }

    private sealed class SlowLoginHandler : IIntegrationEventHandler<UserLoggedIn>
    {
        private readonly ConcurrentDictionary<Guid, int> _runs = new();

        public IReadOnlyDictionary<Guid, int> Runs => _runs;

        public async Task HandleAsync(UserLoggedIn integrationEvent, CancellationToken cancellationToken)
        {
            _runs.AddOrUpdate(integrationEvent.EventId, 1, (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromMilliseconds(800), cancellationToken);
        }
    }

    /// <summary>
    /// A chunk whose handlers together outlast the claim lease renews the claims of the events it has not reached, so a
    /// sweeper on another instance never takes them while the first dispatcher is still on its way.
    /// </summary>
    [Test]
    public async Task A_chunk_that_outlasts_its_claim_lease_keeps_its_claims_and_no_event_is_handled_twice()
    {
        var slow = new SlowLoginHandler();
        await using var api = Platform.Api.WithWebHostBuilder(host => host
            .UseSetting("Outbox:ClaimLease", "00:00:01.5")
            .ConfigureTestServices(services => services.AddIntegrationEventHandler(slow)));
        await OutboxRows.UndeliveredLoginsAsync(Database, 4);
        var ids = await Database.ScalarAsync<Guid[]>("SELECT array_agg(id ORDER BY id) FROM integration.outbox WHERE dispatched_at IS NULL");
        var dispatcher = api.Services.GetRequiredService<OutboxDispatcher>();

        // Four events of 0.8 s each: 3.2 s under a 1.5 s lease; the second dispatcher comes when the first claim would have run out.
        var first = dispatcher.DispatchAsync(ids!, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await dispatcher.DispatchAsync(ids!, CancellationToken.None);
        await first;

        Assert.That(slow.Runs.Values, Is.EqualTo(new[] { 1, 1, 1, 1 }), "each event handled once");
        Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
    }

    [Test]
    public async Task A_handler_that_takes_five_seconds_does_not_hold_up_the_device_push_that_published_its_event()
    {
        var slow = new SlowHandler(TimeSpan.FromSeconds(5));
        await using var api = Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.AddIntegrationEventHandler(slow)));
        await ArrangePushedTankAsync("SLOWPUSHKEY00001", 4_500_001);
        using var client = api.CreateClient();

        var clock = Stopwatch.StartNew();
        var answer = await client.GetStringAsync("/update?api_key=SLOWPUSHKEY00001&field1=120");
        var answeredAfter = clock.Elapsed;
        await slow.Done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await api.HandledAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer, Is.Not.EqualTo("0"), "the reading was stored");
            Assert.That(answeredAfter, Is.LessThan(TimeSpan.FromSeconds(2)), "the push did not wait for the 5 s handler");
        });
        Assert.That(await Database.ScalarAsync<long>(
            "SELECT count(*) FROM integration.outbox WHERE event_type = 'TelemetryBatchRecorded' AND dispatched_at IS NULL"), Is.Zero,
            "every handler of the event, the slow one included, was delivered");
    }
}
