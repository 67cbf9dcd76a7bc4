using System.Text.Json;
using Dapper;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Hands outbox events to their in-process handlers. Each event is claimed with a row lock
/// (<c>FOR UPDATE SKIP LOCKED</c>) for the duration of its handlers, so the in-process dispatch and any number of
/// sweepers on any number of instances never run the same event at the same time. A failing handler leaves the
/// event pending (attempts and last error recorded) for the sweeper to retry.
/// </summary>
public sealed class OutboxDispatcher(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, ILogger<OutboxDispatcher> logger)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string Claim = """
        SELECT id, event_type AS EventType, payload::text AS Payload
        FROM integration.outbox
        WHERE id = @Id AND dispatched_at IS NULL
        FOR UPDATE SKIP LOCKED
        """;

    private const string MarkDispatched = "UPDATE integration.outbox SET dispatched_at = now(), attempts = attempts + 1 WHERE id = @Id";

    private const string MarkFailed = "UPDATE integration.outbox SET attempts = attempts + 1, last_error = @Error WHERE id = @Id";

    public async Task DispatchAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken)
    {
        foreach (var id in eventIds)
        {
            try
            {
                await DispatchOneAsync(id, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The event stays pending; the sweeper retries it.
                logger.LogWarning(ex, "Dispatching integration event {EventId} failed", id);
            }
        }
    }

    private async Task DispatchOneAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<OutboxRow>(new CommandDefinition(Claim, new { Id = id }, transaction, cancellationToken: cancellationToken));
        if (row is null)
        {
            return; // already dispatched, or being dispatched elsewhere right now
        }

        string? error = null;
        try
        {
            await InvokeHandlersAsync(row, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = ex.GetType().Name + ": " + ex.Message;
            logger.LogWarning(ex, "A handler of {EventType} {EventId} failed; it will be retried", row.EventType, id);
        }

        await connection.ExecuteAsync(new CommandDefinition(error is null ? MarkDispatched : MarkFailed,
            new { Id = id, Error = error }, transaction, cancellationToken: cancellationToken));
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
