using System.Text.Json;
using Dapper;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Infrastructure.Database;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>Writes integration events to the outbox and queues them for their handlers once their transaction commits.</summary>
public sealed class OutboxPublisher(DbSession db, NpgsqlDataSource dataSource, OutboxDispatchQueue queue) : IIntegrationEventPublisher
{
    private const string Insert = """
        INSERT INTO integration.outbox (id, event_type, payload, occurred_at, ordering_key)
        VALUES (@Id, @Type, @Payload::jsonb, @OccurredAt, @OrderingKey)
        """;

    private const string InsertMany = """
        INSERT INTO integration.outbox (id, event_type, payload, occurred_at, ordering_key)
        SELECT id, event_type, payload::jsonb, occurred_at, ordering_key
        FROM unnest(@Ids::uuid[], @Types::text[], @Payloads::text[], @OccurredAts::timestamptz[], @OrderingKeys::uuid[])
             WITH ORDINALITY AS e(id, event_type, payload, occurred_at, ordering_key, n)
        ORDER BY n
        """;

    public async Task PublishAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, Row(integrationEvent), db.Transaction, cancellationToken: cancellationToken));
        db.AfterCommit(() => queue.Enqueue([integrationEvent]));
    }

    public async Task PublishAsync(IReadOnlyCollection<IIntegrationEvent> integrationEvents, CancellationToken cancellationToken)
    {
        if (integrationEvents.Count == 0)
        {
            return;
        }

        var rows = integrationEvents.Select(Row).ToList();
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertMany, new
        {
            Ids = rows.Select(r => r.Id).ToArray(),
            Types = rows.Select(r => r.Type).ToArray(),
            Payloads = rows.Select(r => r.Payload).ToArray(),
            OccurredAts = rows.Select(r => r.OccurredAt.UtcDateTime).ToArray(),
            OrderingKeys = rows.Select(r => r.OrderingKey).ToArray(),
        }, db.Transaction, cancellationToken: cancellationToken));
        IIntegrationEvent[] queued = [.. integrationEvents];
        db.AfterCommit(() => queue.Enqueue(queued));
    }

    /// <remarks>
    /// Written once the session's transaction has ended (rolled back, as a refused login's does), so that this
    /// connection is never waited for while the session holds one; not cancelled with the request, the fact must stay.
    /// </remarks>
    public Task PublishDetachedAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken) =>
        db.AfterTransactionAsync(async () =>
        {
            await using (var connection = await dataSource.OpenConnectionAsync(CancellationToken.None))
            {
                await connection.ExecuteAsync(new CommandDefinition(Insert, Row(integrationEvent)));
            }

            queue.Enqueue([integrationEvent]);
        });

    private static OutboxRow Row(IIntegrationEvent integrationEvent) => new(
        integrationEvent.EventId,
        IntegrationEventTypes.NameOf(integrationEvent),
        JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), OutboxDispatcher.Json),
        integrationEvent.OccurredAt,
        (integrationEvent as IOrderedIntegrationEvent)?.OrderingKey);

    private sealed record OutboxRow(Guid Id, string Type, string Payload, DateTimeOffset OccurredAt, Guid? OrderingKey);
}
