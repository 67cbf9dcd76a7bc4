using System.Text.Json;
using Dapper;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Hands outbox events to their in-process handlers. Events are claimed with row locks
/// (<c>FOR UPDATE SKIP LOCKED</c>) for the duration of their handlers, so the in-process dispatch and any number of
/// sweepers on any number of instances never run the same event at the same time. A failing handler leaves the
/// event pending (attempts and last error recorded) for the sweeper to retry.
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, ILogger<OutboxDispatcher> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Events claimed per transaction, at most.</summary>
    private const int Chunk = 500;

    private const string Claim = """
        SELECT id, event_type AS EventType, payload::text AS Payload
        FROM integration.outbox
        WHERE id = ANY(@Ids) AND dispatched_at IS NULL
        ORDER BY array_position(@Ids, id)
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkDispatched = "UPDATE integration.outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = ANY(@Ids)";

    private const string MarkFailed = "UPDATE integration.outbox SET attempts = attempts + 1, last_error = @Error WHERE id = @Id";

    /// <summary>
    /// Dispatches the events in order, a chunk per transaction (a poll cycle's group publishes one per node): each
    /// event's handlers run, then the chunk's dispatched events are marked in one statement.
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
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Rows already dispatched, or being dispatched elsewhere right now, are not returned.
        var rows = await connection.QueryAsync<OutboxRow>(new CommandDefinition(Claim, new { Ids = ids }, transaction, cancellationToken: cancellationToken));
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
                await connection.ExecuteAsync(new CommandDefinition(MarkFailed,
                    new { row.Id, Error = ex.GetType().Name + ": " + ex.Message }, transaction, cancellationToken: cancellationToken));
            }
        }

        if (dispatched.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(MarkDispatched, new { Ids = dispatched.ToArray() }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task InvokeHandlersAsync(OutboxRow row, CancellationToken cancellationToken)
    {
        var type = IntegrationEventTypes.Find(row.EventType)
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
