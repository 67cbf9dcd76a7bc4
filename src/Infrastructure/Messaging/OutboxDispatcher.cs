using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Dapper;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Persistence;
using EvaraTech.Application.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Hands outbox events to their in-process handlers, each (event, handler) pair on its own: every handler runs in a
/// scope and a unit of work of its own, as a command does, so one handler's failure rolls back only its own work.
/// Events are claimed for <see cref="OutboxOptions.ClaimLease"/> in a statement of their own (<c>claimed_until</c>), so the
/// in-process dispatch and any number of sweepers on any number of instances never run the same event at the same
/// time, and no connection is held while the handlers take theirs. When a handler fails, each handler of the event
/// gets a row in <c>integration.deliveries</c>: a retry runs only the ones not yet delivered, after a back-off that
/// doubles, and a handler that fails <see cref="OutboxOptions.MaxAttempts"/> times is dead-lettered. A handler of an
/// <see cref="IOrderedIntegrationEvent"/> waits while an earlier event of the same key still owes it a delivery (in
/// flight elsewhere, failed and backing off); it is woken when that event settles, or swept.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource, IntegrationEventTypes eventTypes, IServiceScopeFactory scopes, IOptionsMonitor<OutboxOptions> options,
    TimeProvider clock, ILogger<OutboxDispatcher> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The delivery name of a failure before any handler could run (an unknown type, an unreadable payload).</summary>
    public const string EventItself = "(event)";

    /// <summary>Events claimed at once, at most.</summary>
    private const int Chunk = 500;

    /// <summary>
    /// Rounds of dispatching what the round before woke: at once, before a key's newer events queued meanwhile (which
    /// would be put off behind them), but not for ever (a chain that keeps waking is left to the queue or a sweep).
    /// </summary>
    private const int MaxWakeRounds = 10;

    /// <summary>Waiting events of one key woken at once, at most: once they have gone, their key wakes the next ones.</summary>
    private const int WokenPerKey = Chunk;

    /// <summary>
    /// When a put-off delivery is due for the sweeper, should the event it waits for settle without waking it (the two
    /// passed each other). Settling wakes it at once.
    /// </summary>
    private static readonly TimeSpan WaitBehindEarlier = TimeSpan.FromSeconds(5);

    // Two claimers of one row: the second waits for the first's commit, then finds the row claimed and skips it.
    private const string Claim = """
        WITH claimed AS (
            UPDATE integration.outbox
            SET claimed_until = now() + @Lease
            WHERE id = ANY(@Ids) AND dispatched_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
            RETURNING id, event_type, payload, ordering_key, position)
        SELECT id, event_type AS EventType, payload::text AS Payload, ordering_key AS OrderingKey, coalesce(position, 0) AS Position
        FROM claimed
        ORDER BY position NULLS FIRST
        """;

    private const string Renew = """
        UPDATE integration.outbox SET claimed_until = now() + @Lease
        WHERE id = ANY(@Ids) AND dispatched_at IS NULL
        """;

    private const string Deliveries = """
        SELECT event_id AS EventId, handler AS Handler, delivered_at IS NOT NULL OR dead_at IS NOT NULL AS Settled,
               next_attempt_at AS NextAttemptAt, waiting_for_earlier AS WaitingForEarlier
        FROM integration.deliveries
        WHERE event_id = ANY(@Ids)
        """;

    // The unsettled events of the keys of the events @Ids, earlier than the latest of them, with the handlers that no
    // longer hold later events up (none for an event in flight elsewhere or never tried); the caller leaves out those
    // it holds itself. Key by key, each a plain index scan from the key's frontier: the index entries of the settled
    // events before it stay until the outbox is vacuumed, and walking them was most of the dispatcher's time under load.
    private const string EarlierOfKeys = $"""
        SELECT e.id AS EventId, e.ordering_key AS OrderingKey, e.position AS Position, d.handler AS Handler
        FROM (SELECT DISTINCT ordering_key FROM integration.outbox WHERE id = ANY(@Ids) AND ordering_key IS NOT NULL) AS k
        LEFT JOIN integration.ordering_frontier f ON f.ordering_key = k.ordering_key
        CROSS JOIN LATERAL (
            SELECT o.id, o.ordering_key, o.position FROM integration.outbox o
            WHERE o.ordering_key = k.ordering_key AND o.dispatched_at IS NULL
              AND o.position > coalesce(f.settled_through, 0)
              AND o.position < (SELECT max(position) FROM integration.outbox WHERE id = ANY(@Ids))
            OFFSET 0) AS e
        LEFT JOIN integration.deliveries d ON d.event_id = e.id AND ({GivesWay})
        """;

    private const string ClaimWithState = $"{Claim};\n{Deliveries};\n{EarlierOfKeys}";

    /// <summary>
    /// A delivery of an earlier event that no longer holds the later ones up: delivered, dead, or failed three times
    /// (a handler failing on one event must not stop its key for the hour dead-lettering takes; after about three and
    /// a half minutes of back-off the later ones go ahead of it).
    /// </summary>
    internal const string GivesWay = "d.delivered_at IS NOT NULL OR d.dead_at IS NOT NULL OR d.attempts >= 3";

    private const string RecordWaiting = """
        INSERT INTO integration.deliveries AS d (event_id, handler, attempts, next_attempt_at, waiting_for_earlier)
        SELECT @EventId, handler, 0, now() + @Wait, true FROM unnest(@Handlers::text[]) AS h(handler)
        ON CONFLICT (event_id, handler) DO UPDATE SET next_attempt_at = excluded.next_attempt_at, waiting_for_earlier = true
        """;

    // Events of these keys with a handler put off behind an earlier one: the earlier one may just have settled. Every
    // key gets its earliest waiters, leaving out the events just dispatched (those still waiting wait for another):
    // a limit over all keys together would leave some keys' waiters with nothing left to wake them. Read from the
    // waiting deliveries (usually none), not key by key from the outbox: an event with a delivery waiting is pending,
    // and not saying so keeps the outbox's indexes of pending events out of the plan.
    private const string WaitingOfKeys = """
        SELECT w.id AS Id, w.ordering_key AS OrderingKey
        FROM (SELECT e.id, e.ordering_key, e.position, row_number() OVER (PARTITION BY e.ordering_key ORDER BY e.position) AS n
              FROM integration.outbox e
              WHERE e.id IN (SELECT d.event_id FROM integration.deliveries d WHERE d.waiting_for_earlier)
                AND e.ordering_key = ANY(@Keys) AND NOT (e.id = ANY(@Dispatched))) AS w
        WHERE w.n <= @PerKey
        ORDER BY w.position
        """;

    private const string RecordDelivered = """
        INSERT INTO integration.deliveries AS d (event_id, handler, delivered_at, attempts)
        SELECT event_id, handler, now(), 1 FROM unnest(@Events::uuid[], @Handlers::text[]) AS x(event_id, handler)
        ON CONFLICT (event_id, handler) DO UPDATE
        SET delivered_at = now(), attempts = d.attempts + 1, next_attempt_at = NULL, waiting_for_earlier = false
        """;

    // The wait doubles with every failure up to the longest; at the cap the delivery is dead.
    private const string RecordFailure = """
        INSERT INTO integration.deliveries AS d (event_id, handler, attempts, last_error, next_attempt_at, dead_at)
        VALUES (@EventId, @Handler, 1, @Error, now() + @FirstDelay, CASE WHEN @MaxAttempts <= 1 THEN now() END)
        ON CONFLICT (event_id, handler) DO UPDATE
        SET attempts = d.attempts + 1,
            waiting_for_earlier = false,
            last_error = excluded.last_error,
            next_attempt_at = now() + least(@FirstDelay * power(2, d.attempts), @MaxDelay),
            dead_at = CASE WHEN d.attempts + 1 >= @MaxAttempts THEN now() END
        """;

    private const string MarkSettled = """
        UPDATE integration.outbox
        SET dispatched_at = now(), attempts = attempts + 1, claimed_until = NULL, next_attempt_at = NULL
        WHERE id = ANY(@Ids)
        """;

    // Keys in a fixed order, so two dispatchers advancing the same keys lock their rows in the same order.
    private const string AdvanceFrontiers = """
        INSERT INTO integration.ordering_frontier AS f (ordering_key, settled_through)
        SELECT ordering_key, settled_through FROM unnest(@Keys::uuid[], @Through::bigint[]) AS x(ordering_key, settled_through)
        ORDER BY ordering_key
        ON CONFLICT (ordering_key) DO UPDATE SET settled_through = excluded.settled_through
        WHERE f.settled_through < excluded.settled_through
        """;

    // A settled event waits for nothing: a delivery put off by a second claimer (after a lease ran out) may still say
    // it waits, and would be woken again every time its key moves on.
    private const string StopWaiting = """
        UPDATE integration.deliveries SET waiting_for_earlier = false
        WHERE event_id = ANY(@Ids) AND waiting_for_earlier
        """;

    private const string SettleChunk = $"{MarkSettled};\n{StopWaiting};\n{AdvanceFrontiers}";

    // Still owed to a handler: due again when its earliest pending delivery is.
    private const string MarkPending = """
        UPDATE integration.outbox o
        SET attempts = o.attempts + @Attempted, last_error = coalesce(@Error, o.last_error), claimed_until = NULL,
            next_attempt_at = (SELECT min(d.next_attempt_at) FROM integration.deliveries d
                               WHERE d.event_id = o.id AND d.delivered_at IS NULL AND d.dead_at IS NULL)
        WHERE o.id = @Id
        """;

    // Settled once no handler is owed anything: all delivered, or dead.
    private const string SettleWhenOwedNothing = """
        UPDATE integration.outbox o SET dispatched_at = now(), next_attempt_at = NULL
        WHERE o.id = @Id AND NOT EXISTS (SELECT 1 FROM integration.deliveries d
                                         WHERE d.event_id = o.id AND d.delivered_at IS NULL AND d.dead_at IS NULL)
        """;

    /// <summary>
    /// Dispatches the events in order, a chunk per claim (a poll cycle's group publishes one per node); the chunk's
    /// fully delivered events are marked in one statement.
    /// </summary>
    /// <returns>the ordered events put off behind these that may go on now (see <see cref="DispatchWithWokenAsync"/>)</returns>
    public async Task<IReadOnlyList<WokenEvent>> DispatchAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        var woken = new List<WokenEvent>();
        foreach (var chunk in eventIds.Chunk(Chunk))
        {
            try
            {
                woken.AddRange(await DispatchChunkAsync(chunk, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The events stay pending (claimed until the lease ends); the sweeper retries them.
                logger.LogWarning(ex, "Dispatching {Count} integration events failed", chunk.Length);
            }
        }

        return [.. woken.DistinctBy(w => w.Id)];
    }

    /// <summary>
    /// Dispatches the events, then those they wake, for <see cref="MaxWakeRounds"/> rounds at most; what the last
    /// round wakes is due for the sweeper a few seconds later.
    /// </summary>
    /// <returns>what the last round woke</returns>
    public async Task<IReadOnlyList<WokenEvent>> DispatchWithWokenAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        IReadOnlyList<WokenEvent> woken = await DispatchAsync(eventIds, cancellationToken);
        for (var round = 1; woken.Count > 0 && round < MaxWakeRounds; round++)
        {
            woken = await DispatchAsync([.. woken.Select(w => w.Id)], cancellationToken);
        }

        return woken;
    }

    /// <returns>the events of the chunk's keys that were waiting behind the chunk's and may go on now</returns>
    private async Task<IReadOnlyCollection<WokenEvent>> DispatchChunkAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        var lease = options.CurrentValue.ClaimLease;
        // One round trip: the claim (rows already dispatched, or claimed elsewhere right now, are not returned), then
        // what the chunk's events have delivered already, and what earlier events of their keys still owe.
        var (rows, earlier, earlierOfKeys) = await ExecuteAsync(async connection =>
        {
            await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
                ClaimWithState, new { Ids = ids, Lease = lease }, cancellationToken: cancellationToken));
            var claimedRows = (await results.ReadAsync<OutboxRow>()).ToList();
            var deliveries = (await results.ReadAsync<DeliveryState>()).ToLookup(d => d.EventId);
            return (claimedRows, deliveries, (await results.ReadAsync<EarlierEvent>()).ToList());
        }, cancellationToken);
        if (rows.Count == 0)
        {
            return [];
        }

        var owed = Owed(rows, earlierOfKeys);
        var putOff = new List<(OutboxRow Row, List<string> Handlers)>();

        var settled = new List<Guid>();
        var recorded = new HashSet<Guid>();
        var settledOnRecord = new List<Guid>();
        var claimed = clock.GetTimestamp();
        foreach (var row in rows)
        {
            // Delivered events are marked at the end of the chunk: until then they keep their claims too.
            if (clock.GetElapsedTime(claimed) > lease / 3)
            {
                await ExecuteAsync(connection => connection.ExecuteAsync(new CommandDefinition(Renew,
                    new { Ids = rows.Where(r => !recorded.Contains(r.Id)).Select(r => r.Id).ToArray(), Lease = lease },
                    cancellationToken: cancellationToken)), cancellationToken);
                claimed = clock.GetTimestamp();
            }

            var outcome = await DeliverAsync(row, earlier[row.Id].ToDictionary(d => d.Handler), owed, cancellationToken);
            owed.Record(row, outcome);
            if (outcome.PutOff.Count > 0)
            {
                putOff.Add((row, outcome.PutOff));
            }

            if (outcome.Failures.Count == 0 && outcome.Owed.Count == 0 && !earlier.Contains(row.Id))
            {
                // The common case: every handler succeeded at once, and no delivery row is written.
                settled.Add(row.Id);
                continue;
            }

            if (await RecordAsync(row.Id, outcome, cancellationToken))
            {
                settledOnRecord.Add(row.Id);
            }

            recorded.Add(row.Id);
        }

        var frontiers = Frontiers(rows, [.. settled, .. settledOnRecord], earlierOfKeys);
        if (settled.Count > 0 || frontiers.Count > 0)
        {
            await ExecuteAsync(connection => connection.ExecuteAsync(new CommandDefinition(SettleChunk, new
            {
                Ids = settled.ToArray(), Keys = frontiers.Keys.ToArray(), Through = frontiers.Values.ToArray(),
            }, cancellationToken: cancellationToken)), cancellationToken);
        }

        var woken = new List<WokenEvent>();
        if (putOff.Count > 0)
        {
            // What held them up may have settled between the look and the record, and looked for waiters before the
            // record: look again now that it is written, so neither side misses the other.
            var now = await OwedAsync([.. putOff.Select(p => p.Row)], cancellationToken);
            woken.AddRange(putOff.Where(p => p.Handlers.Any(h => !now.MustWait(p.Row, h))).Select(p => new WokenEvent(p.Row.Id, p.Row.OrderingKey)));
        }

        var progressed = rows.Where(r => r.OrderingKey is not null && owed.Progressed(r)).Select(r => r.OrderingKey!.Value).Distinct().ToArray();
        if (progressed.Length > 0)
        {
            woken.AddRange(await ExecuteAsync(connection => connection.QueryAsync<WokenEvent>(new CommandDefinition(WaitingOfKeys,
                new { Keys = progressed, Dispatched = rows.Select(r => r.Id).ToArray(), PerKey = WokenPerKey }, cancellationToken: cancellationToken)),
                cancellationToken));
        }

        return woken;
    }

    private async Task<OwedHandlers> OwedAsync(IReadOnlyList<OutboxRow> rows, CancellationToken cancellationToken) =>
        Owed(rows, await ExecuteAsync(connection => connection.QueryAsync<EarlierEvent>(
            new CommandDefinition(EarlierOfKeys, new { Ids = rows.Select(r => r.Id).ToArray() }, cancellationToken: cancellationToken)), cancellationToken));

    /// <summary>
    /// How far each key of the chunk is settled now: through its last event in the chunk, short of its first event still
    /// owed something (in the chunk, or found before it). No event of the key can turn up behind that later: the key's
    /// events take their positions in its commit order.
    /// </summary>
    private static Dictionary<Guid, long> Frontiers(List<OutboxRow> rows, HashSet<Guid> done, List<EarlierEvent> earlier)
    {
        var frontiers = new Dictionary<Guid, long>();
        var owedFrom = new Dictionary<Guid, long>();
        var held = rows.Select(r => r.Id).ToHashSet();
        foreach (var row in rows.Where(r => r.OrderingKey is not null))
        {
            var key = row.OrderingKey!.Value;
            frontiers[key] = Math.Max(frontiers.GetValueOrDefault(key), row.Position);
            if (!done.Contains(row.Id))
            {
                owedFrom[key] = Math.Min(owedFrom.GetValueOrDefault(key, long.MaxValue), row.Position);
            }
        }

        foreach (var e in earlier.Where(e => !held.Contains(e.EventId)))
        {
            owedFrom[e.OrderingKey] = Math.Min(owedFrom.GetValueOrDefault(e.OrderingKey, long.MaxValue), e.Position);
        }

        foreach (var (key, from) in owedFrom)
        {
            if (frontiers.ContainsKey(key))
            {
                frontiers[key] = Math.Min(frontiers[key], from - 1);
            }
        }

        return frontiers.Where(f => f.Value > 0).ToDictionary();
    }

    /// <summary>What the earlier events of the rows' keys owe, leaving out the rows themselves (handled as they go).</summary>
    private static OwedHandlers Owed(IReadOnlyList<OutboxRow> rows, IEnumerable<EarlierEvent> earlier)
    {
        var held = rows.Select(r => r.Id).ToHashSet();
        return new OwedHandlers(earlier.Where(e => !held.Contains(e.EventId)));
    }

    /// <summary>
    /// Runs each handler of the event that is neither delivered nor dead nor waiting for its back-off, nor owed by an
    /// earlier event of its key (that one is put off).
    /// </summary>
    private async Task<Outcome> DeliverAsync(OutboxRow row, Dictionary<string, DeliveryState> earlier, OwedHandlers owed, CancellationToken cancellationToken)
    {
        var outcome = new Outcome();
        IIntegrationEvent integrationEvent;
        EventHandlers handlers;
        try
        {
            var type = eventTypes.Find(row.EventType)
                ?? throw new InvalidOperationException($"Unknown integration event type '{row.EventType}'.");
            integrationEvent = (IIntegrationEvent)JsonSerializer.Deserialize(row.Payload, type, Json)!;
            handlers = _handlers.GetOrAdd(type, HandlersOf);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Integration event {EventType} {EventId} cannot be read", row.EventType, row.Id);
            outcome.Failures.Add((EventItself, ex));
            outcome.Owed.Add(EventItself);
            return outcome;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // An earlier failure to read the event is settled now that it reads: once (a settled one is no progress).
        if (earlier.TryGetValue(EventItself, out var itself) && !itself.Settled)
        {
            outcome.Delivered.Add(EventItself);
        }

        for (var index = 0; index < handlers.Names.Length; index++)
        {
            var name = handlers.Names[index];
            if (earlier.TryGetValue(name, out var state) && (state.Settled || (state.NextAttemptAt > now && !state.WaitingForEarlier)))
            {
                if (!state.Settled)
                {
                    outcome.Owed.Add(name);
                }

                continue;
            }

            if (owed.MustWait(row, name))
            {
                outcome.PutOff.Add(name);
                outcome.Owed.Add(name);
                continue;
            }

            try
            {
                await HandleAsync(handlers, index, integrationEvent, cancellationToken);
                outcome.Delivered.Add(name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "{Handler} failed on {EventType} {EventId}; it will be retried", name, row.EventType, row.Id);
                outcome.Failures.Add((name, ex));
                outcome.Owed.Add(name);
            }
        }

        return outcome;
    }

    /// <summary>One handler, as the system, in a scope and a unit of work of its own.</summary>
    private async Task HandleAsync(EventHandlers handlers, int index, IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        var handler = scope.ServiceProvider.GetRequiredService(handlers.Types[index]);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().RunAsync(
            () => (Task)handlers.Handle.Invoke(handler, BindingFlags.DoNotWrapExceptions, null, [integrationEvent, cancellationToken], null)!,
            cancellationToken);
    }

    /// <summary>
    /// The handlers registered for an event type, by name, in registration order: read once per type, since the
    /// registrations do not change while the process runs. Each runs by its own type (registered as itself), so a
    /// delivery builds only the handler it runs.
    /// </summary>
    private EventHandlers HandlersOf(Type eventType)
    {
        var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(eventType);
        using var probe = scopes.CreateScope();
        Type[] types = [.. probe.ServiceProvider.GetServices(handlerType).Select(h => h!.GetType())];
        if (types.FirstOrDefault(t => probe.ServiceProvider.GetService(t) is null) is { } unregistered)
        {
            throw new InvalidOperationException(
                $"{unregistered.Name} handles {eventType.Name} but is not registered as itself: register it with AddIntegrationEventHandler.");
        }

        return new EventHandlers(handlerType.GetMethod(nameof(IIntegrationEventHandler<IIntegrationEvent>.HandleAsync))!, types,
            [.. types.Select(t => t.Name)]);
    }

    /// <returns>whether the event is settled now</returns>
    private async Task<bool> RecordAsync(Guid eventId, Outcome outcome, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        return await ExecuteAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var (handler, error) in outcome.Failures)
            {
                await connection.ExecuteAsync(new CommandDefinition(RecordFailure, new
                {
                    EventId = eventId, Handler = handler, Error = Describe(error), settings.MaxAttempts,
                    FirstDelay = settings.FirstRetryDelay, MaxDelay = settings.MaxRetryDelay,
                }, transaction, cancellationToken: cancellationToken));
            }

            if (outcome.PutOff.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(RecordWaiting, new
                {
                    EventId = eventId, Handlers = outcome.PutOff.ToArray(), Wait = WaitBehindEarlier,
                }, transaction, cancellationToken: cancellationToken));
            }

            if (outcome.Delivered.Count > 0)
            {
                await connection.ExecuteAsync(new CommandDefinition(RecordDelivered, new
                {
                    Events = outcome.Delivered.Select(_ => eventId).ToArray(), Handlers = outcome.Delivered.ToArray(),
                }, transaction, cancellationToken: cancellationToken));
            }

            await connection.ExecuteAsync(new CommandDefinition(MarkPending, new
            {
                Id = eventId, Attempted = outcome.Failures.Count + outcome.Delivered.Count > 0 ? 1 : 0,
                Error = outcome.Failures.Count > 0 ? Describe(outcome.Failures[0].Error) : null,
            }, transaction, cancellationToken: cancellationToken));

            var settled = await connection.ExecuteAsync(new CommandDefinition(SettleWhenOwedNothing, new { Id = eventId }, transaction, cancellationToken: cancellationToken)) == 1;
            if (settled)
            {
                await connection.ExecuteAsync(new CommandDefinition(StopWaiting, new { Ids = new[] { eventId } }, transaction, cancellationToken: cancellationToken));
            }

            await transaction.CommitAsync(cancellationToken);
            return settled;
        }, cancellationToken);
    }

    private static string Describe(Exception error) => error.GetType().Name + ": " + error.Message;

    /// <summary>One unit of work on a connection taken for it alone.</summary>
    private async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, Task<T>> statement, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await statement(connection);
    }

    private readonly ConcurrentDictionary<Type, EventHandlers> _handlers = new();

    private sealed record EventHandlers(MethodInfo Handle, Type[] Types, string[] Names);

    /// <summary>An event put off behind an earlier one of its key, which may go on now.</summary>
    public sealed record WokenEvent(Guid Id, Guid? OrderingKey);

    private sealed record OutboxRow(Guid Id, string EventType, string Payload, Guid? OrderingKey, long Position);

    private sealed record DeliveryState(Guid EventId, string Handler, bool Settled, DateTime? NextAttemptAt, bool WaitingForEarlier);

    private sealed record EarlierEvent(Guid EventId, Guid OrderingKey, long Position, string? Handler);

    private sealed class Outcome
    {
        public List<string> Delivered { get; } = [];

        public List<(string Handler, Exception Error)> Failures { get; } = [];

        /// <summary>Handlers put off behind an earlier event of the key.</summary>
        public List<string> PutOff { get; } = [];

        /// <summary>Handlers the event still owes after this pass: failed, backing off, or put off.</summary>
        public HashSet<string> Owed { get; } = new(StringComparer.Ordinal);
    }

    /// <summary>
    /// Which handlers earlier events of the chunk's keys still owe: those outside the chunk (from the database; an
    /// event with nothing settled owes every handler), and those of the chunk's own events as they are handled.
    /// </summary>
    private sealed class OwedHandlers(IEnumerable<EarlierEvent> earlier)
    {
        private readonly ILookup<Guid, (long Position, HashSet<string> Settled)> _earlier = earlier
            .GroupBy(e => (e.OrderingKey, e.Position))
            .Select(g => (g.Key.OrderingKey, g.Key.Position, Settled: g.Where(e => e.Handler is not null).Select(e => e.Handler!).ToHashSet(StringComparer.Ordinal)))
            .ToLookup(e => e.OrderingKey, e => (e.Position, e.Settled));

        private readonly HashSet<(Guid Key, string Handler)> _inChunk = [];
        private readonly HashSet<Guid> _progressed = [];

        public bool MustWait(OutboxRow row, string handler) =>
            row.OrderingKey is { } key
            && (_inChunk.Contains((key, handler)) || _inChunk.Contains((key, EventItself))
                || _earlier[key].Any(e => e.Position < row.Position && !e.Settled.Contains(handler)));

        public void Record(OutboxRow row, Outcome outcome)
        {
            if (row.OrderingKey is not { } key)
            {
                return;
            }

            // A failure may have been the last attempt: dead, it no longer holds anything up.
            if (outcome.Delivered.Count > 0 || outcome.Failures.Count > 0)
            {
                _progressed.Add(row.Id);
            }

            foreach (var handler in outcome.Owed)
            {
                _inChunk.Add((key, handler));
            }
        }

        /// <summary>A handler of the event ran, so events of its key put off behind it may go on.</summary>
        public bool Progressed(OutboxRow row) => _progressed.Contains(row.Id);
    }
}
