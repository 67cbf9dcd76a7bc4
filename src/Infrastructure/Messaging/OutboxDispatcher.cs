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
/// doubles, and a handler that fails <see cref="OutboxOptions.MaxAttempts"/> times is dead-lettered.
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

    // Two claimers of one row: the second waits for the first's commit, then finds the row claimed and skips it.
    private const string Claim = """
        WITH claimed AS (
            UPDATE integration.outbox
            SET claimed_until = now() + @Lease
            WHERE id = ANY(@Ids) AND dispatched_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
            RETURNING id, event_type, payload)
        SELECT id, event_type AS EventType, payload::text AS Payload
        FROM claimed
        ORDER BY array_position(@Ids, id)
        """;

    private const string Renew = """
        UPDATE integration.outbox SET claimed_until = now() + @Lease
        WHERE id = ANY(@Ids) AND dispatched_at IS NULL
        """;

    private const string Deliveries = """
        SELECT event_id AS EventId, handler AS Handler, delivered_at IS NOT NULL OR dead_at IS NOT NULL AS Settled,
               next_attempt_at AS NextAttemptAt
        FROM integration.deliveries
        WHERE event_id = ANY(@Ids)
        """;

    private const string RecordDelivered = """
        INSERT INTO integration.deliveries AS d (event_id, handler, delivered_at, attempts)
        SELECT event_id, handler, now(), 1 FROM unnest(@Events::uuid[], @Handlers::text[]) AS x(event_id, handler)
        ON CONFLICT (event_id, handler) DO UPDATE
        SET delivered_at = now(), attempts = d.attempts + 1, next_attempt_at = NULL
        """;

    // The wait doubles with every failure up to the longest; at the cap the delivery is dead.
    private const string RecordFailure = """
        INSERT INTO integration.deliveries AS d (event_id, handler, attempts, last_error, next_attempt_at, dead_at)
        VALUES (@EventId, @Handler, 1, @Error, now() + @FirstDelay, CASE WHEN @MaxAttempts <= 1 THEN now() END)
        ON CONFLICT (event_id, handler) DO UPDATE
        SET attempts = d.attempts + 1,
            last_error = excluded.last_error,
            next_attempt_at = now() + least(@FirstDelay * power(2, d.attempts), @MaxDelay),
            dead_at = CASE WHEN d.attempts + 1 >= @MaxAttempts THEN now() END
        """;

    private const string MarkSettled = """
        UPDATE integration.outbox
        SET dispatched_at = now(), attempts = attempts + 1, claimed_until = NULL, next_attempt_at = NULL
        WHERE id = ANY(@Ids)
        """;

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
    public async Task DispatchAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in eventIds.Chunk(Chunk))
        {
            try
            {
                await DispatchChunkAsync(chunk, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The events stay pending (claimed until the lease ends); the sweeper retries them.
                logger.LogWarning(ex, "Dispatching {Count} integration events failed", chunk.Length);
            }
        }
    }

    private async Task DispatchChunkAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        var lease = options.CurrentValue.ClaimLease;
        // Rows already dispatched, or claimed elsewhere right now, are not returned.
        var rows = (await ExecuteAsync(connection => connection.QueryAsync<OutboxRow>(
            new CommandDefinition(Claim, new { Ids = ids, Lease = lease }, cancellationToken: cancellationToken)), cancellationToken)).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var earlier = (await ExecuteAsync(connection => connection.QueryAsync<DeliveryState>(
            new CommandDefinition(Deliveries, new { Ids = rows.Select(r => r.Id).ToArray() }, cancellationToken: cancellationToken)), cancellationToken))
            .ToLookup(d => d.EventId);

        var settled = new List<Guid>();
        var recorded = new HashSet<Guid>();
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

            var outcome = await DeliverAsync(row, earlier[row.Id].ToDictionary(d => d.Handler), cancellationToken);
            if (outcome.Failures.Count == 0 && !outcome.Waiting && !earlier.Contains(row.Id))
            {
                // The common case: every handler succeeded at once, and no delivery row is written.
                settled.Add(row.Id);
                continue;
            }

            await RecordAsync(row.Id, outcome, cancellationToken);
            recorded.Add(row.Id);
        }

        if (settled.Count > 0)
        {
            await ExecuteAsync(connection => connection.ExecuteAsync(
                new CommandDefinition(MarkSettled, new { Ids = settled.ToArray() }, cancellationToken: cancellationToken)), cancellationToken);
        }
    }

    /// <summary>Runs each handler of the event that is neither delivered nor dead nor waiting for its back-off.</summary>
    private async Task<Outcome> DeliverAsync(OutboxRow row, Dictionary<string, DeliveryState> earlier, CancellationToken cancellationToken)
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
            return outcome;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (earlier.ContainsKey(EventItself))
        {
            outcome.Delivered.Add(EventItself);
        }

        for (var index = 0; index < handlers.Names.Length; index++)
        {
            var name = handlers.Names[index];
            if (earlier.TryGetValue(name, out var state) && (state.Settled || state.NextAttemptAt > now))
            {
                outcome.Waiting |= !state.Settled;
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
            }
        }

        return outcome;
    }

    /// <summary>One handler, as the system, in a scope and a unit of work of its own.</summary>
    private async Task HandleAsync(EventHandlers handlers, int index, IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        var handler = scope.ServiceProvider.GetServices(handlers.HandlerType).ElementAt(index)!;
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().RunAsync(
            () => (Task)handlers.Handle.Invoke(handler, BindingFlags.DoNotWrapExceptions, null, [integrationEvent, cancellationToken], null)!,
            cancellationToken);
    }

    /// <summary>
    /// The handlers registered for an event type, by name, in registration order: read once per type, since the
    /// registrations do not change while the process runs.
    /// </summary>
    private EventHandlers HandlersOf(Type eventType)
    {
        var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(eventType);
        using var probe = scopes.CreateScope();
        return new EventHandlers(handlerType, handlerType.GetMethod(nameof(IIntegrationEventHandler<IIntegrationEvent>.HandleAsync))!,
            [.. probe.ServiceProvider.GetServices(handlerType).Select(h => h!.GetType().Name)]);
    }

    private async Task RecordAsync(Guid eventId, Outcome outcome, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        await ExecuteAsync(async connection =>
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

            await connection.ExecuteAsync(new CommandDefinition(SettleWhenOwedNothing, new { Id = eventId }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return 0;
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

    private sealed record EventHandlers(Type HandlerType, MethodInfo Handle, string[] Names);

    private sealed record OutboxRow(Guid Id, string EventType, string Payload);

    private sealed record DeliveryState(Guid EventId, string Handler, bool Settled, DateTime? NextAttemptAt);

    private sealed class Outcome
    {
        public List<string> Delivered { get; } = [];

        public List<(string Handler, Exception Error)> Failures { get; } = [];

        /// <summary>A handler failed earlier and its back-off has not passed.</summary>
        public bool Waiting { get; set; }
    }
}
