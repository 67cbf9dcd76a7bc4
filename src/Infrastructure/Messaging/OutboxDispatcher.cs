using System.Text.Json;
using Dapper;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Hands outbox events to their in-process handlers. Events are claimed for <see cref="ClaimLease"/> in a statement of
/// their own (<c>claimed_until</c>), so the in-process dispatch and any number of sweepers on any number of instances
/// never run the same event at the same time, and no connection is held while the handlers take theirs. A failing
/// handler leaves the event pending (attempts and last error recorded, the claim released) for the sweeper to retry;
/// a crash leaves it claimed until the lease runs out.
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource dataSource, IntegrationEventTypes eventTypes, IServiceScopeFactory scopes, ILogger<OutboxDispatcher> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Events claimed at once, at most.</summary>
    private const int Chunk = 500;

    /// <summary>Longer than a chunk's handlers take; how long a crashed instance's claims delay their events.</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(2);

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

    private const string MarkDispatched = """
        UPDATE integration.outbox
        SET dispatched_at = now(), attempts = attempts + 1, claimed_until = NULL
        WHERE id = ANY(@Ids)
        """;

    private const string MarkFailed = """
        UPDATE integration.outbox
        SET attempts = attempts + 1, last_error = @Error, claimed_until = NULL
        WHERE id = @Id
        """;

    /// <summary>
    /// Dispatches the events in order, a chunk per claim (a poll cycle's group publishes one per node): each event's
    /// handlers run, then the chunk's dispatched events are marked in one statement.
    /// </summary>
    public async Task DispatchAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in eventIds.Chunk(Chunk))
        {
            try
            {
                await DispatchChunkAsync(chunk, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The events stay pending; the sweeper retries them.
                logger.LogWarning(ex, "Dispatching {Count} integration events failed", chunk.Length);
            }
        }
    }

    private async Task DispatchChunkAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        // Rows already dispatched, or claimed elsewhere right now, are not returned.
        var rows = await ExecuteAsync(connection => connection.QueryAsync<OutboxRow>(
            new CommandDefinition(Claim, new { Ids = ids, Lease = ClaimLease }, cancellationToken: cancellationToken)), cancellationToken);
        var dispatched = new List<Guid>();
        foreach (var row in rows)
        {
            try
            {
                await InvokeHandlersAsync(row, cancellationToken);
                dispatched.Add(row.Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "A handler of {EventType} {EventId} failed; it will be retried", row.EventType, row.Id);
                await ExecuteAsync(connection => connection.ExecuteAsync(new CommandDefinition(MarkFailed,
                    new { row.Id, Error = ex.GetType().Name + ": " + ex.Message }, cancellationToken: cancellationToken)), cancellationToken);
            }
        }

        if (dispatched.Count > 0)
        {
            await ExecuteAsync(connection => connection.ExecuteAsync(
                new CommandDefinition(MarkDispatched, new { Ids = dispatched.ToArray() }, cancellationToken: cancellationToken)), cancellationToken);
        }
    }

    /// <summary>One statement on a connection taken for it alone.</summary>
    private async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, Task<T>> statement, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await statement(connection);
    }

    private async Task InvokeHandlersAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = eventTypes.Find(row.EventType)
            ?? throw new InvalidOperationException($"Unknown integration event type '{row.EventType}'.");
        var integrationEvent = (IIntegrationEvent)JsonSerializer.Deserialize(row.Payload, type, Json)!;

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        var handlerType = typeof(IIntegrationEventHandler<>).MakeGenericType(type);
        foreach (var handler in scope.ServiceProvider.GetServices(handlerType))
        {
            await (Task)handlerType.GetMethod(nameof(IIntegrationEventHandler<IIntegrationEvent>.HandleAsync))!
                .Invoke(handler, [integrationEvent, cancellationToken])!;
        }
    }

    private sealed record OutboxRow(Guid Id, string EventType, string Payload);
}
