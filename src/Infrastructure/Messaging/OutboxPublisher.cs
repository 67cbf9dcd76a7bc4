using System.Text.Json;
using Dapper;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Infrastructure.Database;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>Writes integration events to the outbox and has them dispatched once their transaction commits.</summary>
public sealed class OutboxPublisher(DbSession db, NpgsqlDataSource dataSource, OutboxDispatcher dispatcher) : IIntegrationEventPublisher
{
    private const string Insert = """
        INSERT INTO integration.outbox (id, event_type, payload, occurred_at)
        VALUES (@Id, @Type, @Payload::jsonb, @OccurredAt)
        """;

    public async Task PublishAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, Row(integrationEvent), db.Transaction, cancellationToken: cancellationToken));
        db.AfterCommit(() => dispatcher.DispatchAsync([integrationEvent.EventId], CancellationToken.None));
    }

    public async Task PublishDetachedAsync(IIntegrationEvent integrationEvent, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(new CommandDefinition(Insert, Row(integrationEvent), cancellationToken: cancellationToken));
        }

        await dispatcher.DispatchAsync([integrationEvent.EventId], CancellationToken.None);
    }

    private static object Row(IIntegrationEvent integrationEvent) => new
    {
        Id = integrationEvent.EventId,
        Type = IntegrationEventTypes.NameOf(integrationEvent),
        Payload = JsonSerializer.Serialize(integrationEvent, integrationEvent.GetType(), OutboxDispatcher.Json),
        integrationEvent.OccurredAt,
    };
}
