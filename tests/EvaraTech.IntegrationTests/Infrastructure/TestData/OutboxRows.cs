namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>Integration events in the outbox, as a host that crashed before dispatching them would leave them.</summary>
public static class OutboxRows
{
    /// <summary><paramref name="count"/> UserLoggedIn events, five minutes old and not dispatched.</summary>
    public static Task UndeliveredLoginsAsync(TestDatabase database, int count) => Rows.InsertAsync(database, """
        INSERT INTO integration.outbox (id, event_type, payload, occurred_at)
        SELECT id, 'UserLoggedIn',
               jsonb_build_object('eventId', id, 'occurredAt', now(), 'userId', gen_random_uuid(), 'email', 'x@evara.test'),
               now() - interval '5 minutes'
        FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, @count)) pending
        """, new { count });

    /// <summary>A login event whose delivery to <paramref name="handler"/> failed every attempt.</summary>
    public static Task DeadLetterAsync(TestDatabase database, Guid eventId, Guid userId, string handler) => Rows.InsertAsync(database, """
        INSERT INTO integration.outbox (id, event_type, payload, occurred_at, dispatched_at, attempts)
        VALUES (@eventId, 'UserLoggedIn',
                jsonb_build_object('eventId', @eventId, 'occurredAt', now(), 'userId', @userId, 'email', 'x@evara.test'),
                now() - interval '1 hour', now(), 8);
        INSERT INTO integration.deliveries (event_id, handler, attempts, last_error, dead_at)
        VALUES (@eventId, @handler, 8, 'audit store down', now());
        """, new { eventId, userId, handler });
}
