using Dapper;
using EvaraTech.Infrastructure.Database;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>A handler's delivery of an event that failed every attempt. The payload stays in the outbox, never shown.</summary>
public sealed record DeadLetter(
    Guid EventId, string EventType, string Handler, int Attempts, string? LastError, DateTimeOffset OccurredAt, DateTimeOffset DeadAt);

/// <summary>The dead-lettered deliveries, for operators to read and replay.</summary>
public sealed class DeadLetters(NpgsqlDataSource dataSource, OutboxDispatcher dispatcher)
{
    private const string List = """
        SELECT d.event_id AS EventId, o.event_type AS EventType, d.handler AS Handler, d.attempts AS Attempts,
               d.last_error AS LastError, o.occurred_at AS OccurredAt, d.dead_at AS DeadAt
        FROM integration.deliveries d
        JOIN integration.outbox o ON o.id = d.event_id
        WHERE d.dead_at IS NOT NULL
        ORDER BY d.dead_at DESC, d.event_id, d.handler
        LIMIT @Limit
        """;

    // The delivery starts over (attempts from zero) and its event becomes pending again; the other handlers'
    // deliveries stay delivered, so only this one runs. A replayed event leaves its key's order: its successors went
    // on long ago, and must not wait behind it now.
    private const string Revive = """
        WITH revived AS (
            UPDATE integration.deliveries
            SET dead_at = NULL, attempts = 0, next_attempt_at = NULL
            WHERE event_id = @EventId AND handler = @Handler AND dead_at IS NOT NULL
            RETURNING event_id)
        UPDATE integration.outbox
        SET dispatched_at = NULL, next_attempt_at = NULL, ordering_key = NULL
        WHERE id IN (SELECT event_id FROM revived)
        """;

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeadLetterRow>(new CommandDefinition(List, new { Limit = limit }, cancellationToken: cancellationToken));
        return [.. rows.Select(r => r.MapTo<DeadLetter>())];
    }

    /// <summary>Delivers the dead letter again at once; false when there is no such dead letter.</summary>
    public async Task<bool> ReplayAsync(Guid eventId, string handler, CancellationToken cancellationToken)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (await connection.ExecuteAsync(new CommandDefinition(Revive, new { EventId = eventId, Handler = handler }, cancellationToken: cancellationToken)) == 0)
            {
                return false;
            }
        }

        await dispatcher.DispatchWithWokenAsync([eventId], cancellationToken);
        return true;
    }

    private sealed record DeadLetterRow(Guid EventId, string EventType, string Handler, int Attempts, string? LastError, DateTime OccurredAt, DateTime DeadAt);
}
