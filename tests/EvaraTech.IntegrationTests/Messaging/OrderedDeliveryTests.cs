using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Telemetry.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Messaging;

/// <summary>
/// A node's stored batches reach each handler in the order they were stored, whether a handler failed on an earlier
/// one and was retried, or dispatch workers race over them; other handlers and other nodes are not held up.
/// </summary>
public sealed class OrderedDeliveryTests : TenantWorldTest
{
    /// <summary>Records the batches it is handed, per node, failing the first <see cref="FailFirst"/> calls.</summary>
    private sealed class OrderRecorder(int failFirst, int maxDelayMs) : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        private int _calls;

        public ConcurrentQueue<TelemetryBatchRecorded> Handled { get; } = new();

        /// <summary>Fail every call while set.</summary>
        public bool FailAll { get; set; }

        public async Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) <= failFirst || FailAll)
            {
                throw new InvalidOperationException("the warehouse is away");
            }

            // Long enough for a later batch's dispatch to overtake this one, were it allowed to.
            await Task.Delay(Random.Shared.Next(maxDelayMs + 1), cancellationToken);
            Handled.Enqueue(integrationEvent);
        }

        public IReadOnlyList<DateTimeOffset> Of(Guid node) => [.. Handled.Where(e => e.NodeId == node).Select(e => e.From)];
    }

    /// <summary>Another handler of the same event, which always succeeds.</summary>
    private sealed class Sibling : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        public ConcurrentQueue<DateTimeOffset> Handled { get; } = new();

        public Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken)
        {
            Handled.Enqueue(integrationEvent.From);
            return Task.CompletedTask;
        }
    }

    /// <summary>Records when each of its handlings starts and ends.</summary>
    private sealed class Timeline : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        public ConcurrentQueue<(Guid Node, long Start, long End)> Spans { get; } = new();

        public async Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            await Task.Delay(20, cancellationToken);
            Spans.Enqueue((integrationEvent.NodeId, start, Stopwatch.GetTimestamp()));
        }
    }

    /// <summary>
    /// Stands in for a second claimer (the first one's lease ran out while its handler was still running) that put the
    /// event's sibling handler off behind an earlier batch: a waiting delivery the first claimer never read.
    /// </summary>
    private sealed class PutOffMeanwhile : IIntegrationEventHandler<TelemetryBatchRecorded>
    {
        public Task HandleAsync(TelemetryBatchRecorded integrationEvent, CancellationToken cancellationToken) => Database.ExecuteAsync("""
            INSERT INTO integration.deliveries (event_id, handler, attempts, next_attempt_at, waiting_for_earlier)
            VALUES (@id, 'Sibling', 0, now() + interval '5 seconds', true)
            """, ("id", integrationEvent.EventId));
    }

    private WebApplicationFactory<Program> Host(params IIntegrationEventHandler<TelemetryBatchRecorded>[] handlers) =>
        Platform.Api.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
        {
            foreach (var handler in handlers)
            {
                services.AddIntegrationEventHandler(handler);
            }
        }));

    /// <summary>An hour ago, to the minute: the n-th push is stored at n minutes past it.</summary>
    private static readonly DateTimeOffset Start = new DateTimeOffset(DateTime.UtcNow.Ticks / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero).AddHours(-1);

    private Task<Guid> PushedTankAsync(string writeKey, long channelId) =>
        NodeBuilder.OfDistributor(World.Distributor1).Named(writeKey, writeKey).WithState().WithTank(300)
            .WithChannel(channelId, writeKey: writeKey).WithMapping("field1", "water_level_cm").InsertAsync(Database);

    private static async Task PushAsync(HttpClient client, string writeKey, int minute) =>
        Assert.That(await client.GetStringAsync(
            $"/update?api_key={writeKey}&field1={100 + minute}&created_at={Start.AddMinutes(minute):yyyy-MM-ddTHH:mm:ssZ}"), Is.Not.EqualTo("0"));

    /// <summary>Each push's events handled before the next push.</summary>
    private static async Task PushedInTurnAsync(WebApplicationFactory<Program> api, HttpClient client, string writeKey, params int[] minutes)
    {
        foreach (var minute in minutes)
        {
            await PushAsync(client, writeKey, minute);
            await api.HandledAsync();
        }
    }

    private static int MinutesIn(DateTimeOffset at) => (int)(at - Start).TotalMinutes;

    /// <summary>Time passes: past the in-process dispatch window and every back-off; then a sweep.</summary>
    private async Task<int> SweepLaterAsync(WebApplicationFactory<Program> api)
    {
        await Database.PastEveryBackOffAsync();
        var swept = await api.Services.GetRequiredService<OutboxSweeper>().RunAsync(CancellationToken.None);
        await api.HandledAsync();
        return swept;
    }

    [Test]
    public async Task A_nodes_frontier_stops_short_of_its_first_batch_still_owed_and_moves_past_it_once_delivered()
    {
        var recorder = new OrderRecorder(failFirst: 1, maxDelayMs: 0);
        await using var api = Host(recorder);
        var tank = await PushedTankAsync("ORDERKEY00000031", 4_600_031);
        using var client = api.CreateClient();

        await PushedInTurnAsync(api, client, "ORDERKEY00000031", 1, 2);
        var firstBatch = await Database.ScalarAsync<long>(
            "SELECT min(position) FROM integration.outbox WHERE ordering_key = @key AND event_type = 'TelemetryBatchRecorded'", ("key", tank));
        var whileOwed = await FrontierAsync(tank);

        await SweepLaterAsync(api);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(whileOwed, Is.Not.Null.And.LessThan(firstBatch), "the look-up for earlier batches still starts before the failed one");
            Assert.That(await FrontierAsync(tank), Is.EqualTo(await Database.ScalarAsync<long>(
                "SELECT max(position) FROM integration.outbox WHERE ordering_key = @key", ("key", tank))),
                "once both are delivered, the next look-up starts after them");
            Assert.That(recorder.Of(tank).Select(MinutesIn), Is.EqualTo(new[] { 1, 2 }));
        });
    }

    [Test]
    public async Task A_batch_settled_by_its_first_claimer_waits_for_nothing_whatever_a_second_claimer_recorded()
    {
        await using var api = Host(new PutOffMeanwhile(), new Sibling());
        var tank = await PushedTankAsync("ORDERKEY00000032", 4_600_032);
        using var client = api.CreateClient();

        await PushAsync(client, "ORDERKEY00000032", 1);
        await api.HandledAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Database.ScalarAsync<long>(
                "SELECT count(*) FROM integration.outbox WHERE ordering_key = @key AND dispatched_at IS NULL", ("key", tank)), Is.Zero);
            Assert.That(await Database.ScalarAsync<long>("""
                SELECT count(*) FROM integration.deliveries d JOIN integration.outbox o ON o.id = d.event_id
                WHERE o.ordering_key = @key AND d.waiting_for_earlier
                """, ("key", tank)), Is.Zero, "a settled batch left waiting would be woken again every time its node moves on");
        });
    }

    private Task<long?> FrontierAsync(Guid key) =>
        Database.ScalarAsync<long?>("SELECT settled_through FROM integration.ordering_frontier WHERE ordering_key = @key", ("key", key));

    [Test]
    public async Task A_batch_waits_for_an_earlier_one_whose_handler_failed_and_follows_it_once_the_retry_succeeds()
    {
        var recorder = new OrderRecorder(failFirst: 1, maxDelayMs: 0);
        var sibling = new Sibling();
        await using var api = Host(recorder, sibling);
        var tank = await PushedTankAsync("ORDERKEY00000001", 4_600_001);
        var other = await PushedTankAsync("ORDERKEY00000002", 4_600_002);
        using var client = api.CreateClient();

        await PushAsync(client, "ORDERKEY00000001", 1);
        await api.HandledAsync();
        await PushAsync(client, "ORDERKEY00000001", 2);
        await PushAsync(client, "ORDERKEY00000001", 3);
        await PushAsync(client, "ORDERKEY00000002", 4);
        await api.HandledAsync();
        var beforeRetry = recorder.Of(tank);
        var siblingBeforeRetry = sibling.Handled.Count;
        var otherBeforeRetry = recorder.Of(other).Count;

        var swept = await SweepLaterAsync(api);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(swept, Is.EqualTo(1), "the sweeper took only the batch nothing holds up; the two behind it were woken as it went");
            Assert.That(beforeRetry, Is.Empty, "the later batches waited behind the failed one");
            Assert.That(siblingBeforeRetry, Is.EqualTo(4), "a handler that did not fail is not held up");
            Assert.That(otherBeforeRetry, Is.EqualTo(1), "another node is not held up");
            Assert.That(recorder.Of(tank).Select(MinutesIn), Is.EqualTo(new[] { 1, 2, 3 }), "in the order stored, once the first was retried");
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
            Assert.That(await Database.ScalarAsync<string>("""
                SELECT string_agg(d.attempts::text, ',' ORDER BY o.position) FROM integration.deliveries d JOIN integration.outbox o ON o.id = d.event_id
                WHERE d.handler = 'OrderRecorder'
                """), Is.EqualTo("2,1,1"), "waiting is not an attempt: the put-off batches were each handled at their first");
        });
    }

    [Test]
    public async Task A_batch_whose_handler_keeps_failing_gives_way_to_the_later_ones_after_three_attempts()
    {
        var recorder = new OrderRecorder(failFirst: 3, maxDelayMs: 0);
        await using var api = Host(recorder);
        var tank = await PushedTankAsync("ORDERKEY00000004", 4_600_004);
        using var client = api.CreateClient();

        await PushedInTurnAsync(api, client, "ORDERKEY00000004", 1, 2);
        await SweepLaterAsync(api);
        var afterTwoFailures = recorder.Of(tank);
        await SweepLaterAsync(api);
        var afterThreeFailures = recorder.Of(tank);
        await SweepLaterAsync(api);

        Assert.Multiple(() =>
        {
            Assert.That(afterTwoFailures, Is.Empty, "two failures still hold the later batch");
            Assert.That(afterThreeFailures.Select(MinutesIn), Is.EqualTo(new[] { 2 }), "the third gives way to it");
            Assert.That(recorder.Of(tank).Select(MinutesIn), Is.EqualTo(new[] { 2, 1 }), "and the failing one is still retried, and delivered");
        });
    }

    [Test]
    public async Task A_replayed_dead_letter_leaves_its_nodes_order_and_holds_no_later_batch_up()
    {
        var recorder = new OrderRecorder(failFirst: 1, maxDelayMs: 0);
        await using var api = Host(recorder);
        var tank = await PushedTankAsync("ORDERKEY00000005", 4_600_005);
        using var client = api.CreateClient();
        await PushAsync(client, "ORDERKEY00000005", 1);
        await api.HandledAsync();
        var dead = await Database.ScalarAsync<Guid>("SELECT event_id FROM integration.deliveries WHERE handler = 'OrderRecorder'");
        // Dead-lettered, as the cap leaves it: the event settled.
        await Database.ExecuteAsync("""
            UPDATE integration.deliveries SET dead_at = now(), next_attempt_at = NULL WHERE handler = 'OrderRecorder';
            UPDATE integration.outbox SET dispatched_at = now(), next_attempt_at = NULL WHERE id IN (SELECT event_id FROM integration.deliveries);
            """);
        using var superadmin = api.CreateClient();
        superadmin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.For(World.Superadmin));
        recorder.FailAll = true;
        Assert.That((await superadmin.PostAsync($"/api/v1/admin/dead-letters/{dead}/OrderRecorder/replay", null)).StatusCode,
            Is.EqualTo(System.Net.HttpStatusCode.NoContent));
        await api.HandledAsync();
        recorder.FailAll = false;

        await PushAsync(client, "ORDERKEY00000005", 2);
        await api.HandledAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await Database.ScalarAsync<Guid?>($"SELECT ordering_key FROM integration.outbox WHERE id = '{dead}'"), Is.Null);
            Assert.That(recorder.Of(tank).Select(MinutesIn), Is.EqualTo(new[] { 2 }), "the later batch did not wait behind the failing replay");
        });
    }

    [Test]
    public async Task Dispatchers_racing_over_one_nodes_batches_hand_them_to_each_handler_in_the_order_stored()
    {
        var recorder = new OrderRecorder(failFirst: 0, maxDelayMs: 25);
        await using var api = Host(recorder);
        var tank = await PushedTankAsync("ORDERKEY00000003", 4_600_003);
        using var client = api.CreateClient();
        var dispatcher = api.Services.GetRequiredService<OutboxDispatcher>();

        // The queue's worker dispatches each batch as it is stored, while three more dispatchers (sweeps on other
        // instances) keep taking whatever is pending, in any order.
        using var pushed = new CancellationTokenSource();
        var racers = Enumerable.Range(0, 3).Select(racer => Task.Run(async () =>
        {
            while (!pushed.IsCancellationRequested)
            {
                var pending = await Database.ScalarAsync<Guid[]>(
                    "SELECT coalesce(array_agg(id ORDER BY random()), '{}') FROM integration.outbox WHERE dispatched_at IS NULL");
                await dispatcher.DispatchWithWokenAsync(pending!, CancellationToken.None);
                await Task.Delay(racer * 5);
            }
        })).ToList();
        for (var minute = 0; minute < 40; minute++)
        {
            await PushAsync(client, "ORDERKEY00000003", minute);
        }

        await pushed.CancelAsync();
        await Task.WhenAll(racers);
        await api.HandledAsync();
        // Two dispatchers may pass each other (one looks for waiters just before the other records that it waits):
        // the sweeper picks that up.
        for (var sweep = 0; sweep < 3 && await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL") > 0; sweep++)
        {
            await SweepLaterAsync(api);
        }

        Assert.That(recorder.Of(tank).Select(MinutesIn), Is.EqualTo(Enumerable.Range(0, 40)));
    }

    [Test]
    public async Task A_nodes_batches_stored_back_to_back_are_handled_in_turn_and_none_is_put_off_behind_another()
    {
        var recorder = new OrderRecorder(failFirst: 0, maxDelayMs: 25);
        await using var api = Host(recorder);
        var tank = await PushedTankAsync("ORDERKEY00000006", 4_600_006);
        var other = await PushedTankAsync("ORDERKEY00000007", 4_600_007);
        using var client = api.CreateClient();

        for (var minute = 0; minute < 20; minute++)
        {
            await PushAsync(client, "ORDERKEY00000006", minute);
            await PushAsync(client, "ORDERKEY00000007", minute);
        }

        await api.HandledAsync();

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(recorder.Of(tank).Select(MinutesIn), Is.EqualTo(Enumerable.Range(0, 20)));
            Assert.That(recorder.Of(other).Select(MinutesIn), Is.EqualTo(Enumerable.Range(0, 20)));
            // A batch put off behind an earlier one of its node leaves a delivery row (and costs a second claim).
            Assert.That(await Database.ScalarAsync<long>("""
                SELECT count(*) FROM integration.deliveries d JOIN integration.outbox o ON o.id = d.event_id
                WHERE o.event_type = 'TelemetryBatchRecorded'
                """), Is.Zero,
                "each batch found the one before it handled already");
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero);
        });
    }

    /// <summary>
    /// Waking is per node: however many put-off batches the other nodes of a dispatch have, each node's own are woken
    /// (a limit over all of them together left a node's batch waiting for the sweeper, with nothing else of its node
    /// to come and wake it).
    /// </summary>
    [Test]
    public async Task Each_nodes_put_off_batches_are_woken_when_the_one_before_settles_however_many_other_nodes_have_waiting()
    {
        var sibling = new Sibling();
        await using var api = Host(sibling);
        var dispatcher = api.Services.GetRequiredService<OutboxDispatcher>();
        var busy = Enumerable.Range(0, 300).Select(_ => Guid.NewGuid()).ToList();
        var quiet = Guid.NewGuid();

        // Stored in this order, none dispatched yet: every node's first batch; two more of each busy node; the quiet
        // node's second, last of all.
        var firsts = await StoredAsync([quiet, .. busy], minute: 0);
        var later = await StoredAsync([.. busy], minute: 1);
        later.AddRange(await StoredAsync([.. busy], minute: 2));
        later.AddRange(await StoredAsync([quiet], minute: 1));

        // The later batches are dispatched first (by another instance, say): each waits behind its node's first.
        await dispatcher.DispatchWithWokenAsync(later, CancellationToken.None);
        var waitingBefore = await Database.ScalarAsync<long>("SELECT count(DISTINCT event_id) FROM integration.deliveries WHERE waiting_for_earlier");

        await dispatcher.DispatchWithWokenAsync(firsts, CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(waitingBefore, Is.EqualTo(later.Count), "every later batch was put off");
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL"), Is.Zero,
                "all delivered without a sweep, the quiet node's second batch too");
            Assert.That(sibling.Handled.Count, Is.EqualTo(firsts.Count + later.Count));
        });
    }

    /// <summary>Writes a batch event per node to the outbox, in this order, for the test to dispatch (no worker sees them).</summary>
    private async Task<List<Guid>> StoredAsync(IReadOnlyList<Guid> nodes, int minute)
    {
        var at = Start.AddMinutes(minute);
        var events = nodes.Select(node => new TelemetryBatchRecorded(Guid.CreateVersion7(), at, node, World.Distributor1, "tank", 1, at, at)).ToList();
        await Database.ExecuteAsync("""
            INSERT INTO integration.outbox (id, event_type, payload, occurred_at, ordering_key)
            SELECT id, 'TelemetryBatchRecorded', payload::jsonb, now(), ordering_key
            FROM unnest(@Ids, @Payloads, @Keys) WITH ORDINALITY AS e(id, payload, ordering_key, n)
            ORDER BY n
            """,
            ("Ids", events.Select(e => e.EventId).ToArray()),
            ("Payloads", events.Select(e => JsonSerializer.Serialize(e, OutboxDispatcher.Json)).ToArray()),
            ("Keys", events.Select(e => e.NodeId).ToArray()));
        return [.. events.Select(e => e.EventId)];
    }

    /// <summary>A poll group's or a gateway's batch publishes an event per node: they stay one chunk for one worker.</summary>
    [Test]
    public async Task The_events_of_one_batch_of_many_nodes_are_handled_by_one_worker_one_after_another_in_the_order_stored()
    {
        var timeline = new Timeline();
        await using var api = Host(timeline);
        var nodes = new List<Guid>();
        for (var n = 0; n < 8; n++)
        {
            nodes.Add(await PushedTankAsync($"ORDERKEY0000010{n}", 4_600_100 + n));
        }

        await api.Services.GetRequiredService<IServiceScopeFactory>().RunAsync(async services =>
        {
            await services.GetRequiredService<IIntegrationEventPublisher>().PublishAsync([.. nodes.Select(node =>
                (IIntegrationEvent)new TelemetryBatchRecorded(Guid.CreateVersion7(), Start, node, World.Distributor1, "tank", 1, Start, Start))],
                CancellationToken.None);
            return true;
        }, CancellationToken.None);
        await api.HandledAsync();

        var spans = timeline.Spans.OrderBy(s => s.Start).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(spans.Select(s => s.Node), Is.EqualTo(nodes), "in the order stored");
            Assert.That(spans.Zip(spans.Skip(1)).Count(pair => pair.Second.Start < pair.First.End), Is.Zero,
                "one after another: no two workers took parts of the batch");
        });
    }
}
