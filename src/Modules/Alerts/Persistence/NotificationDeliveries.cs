using Dapper;
namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>A delivery to queue: an alert, to a user, on one channel of one of their rules, the n-th time.</summary>
public sealed record QueuedDelivery(Guid AlertId, Guid UserId, Guid RuleId, int ChannelIndex, string Channel, int RepeatNumber)
{
    /// <summary>Names the delivery exactly: queueing it twice, or retrying it, never makes a second one.</summary>
    public string IdempotencyKey => $"alert:{AlertId}:rule:{RuleId}:channel:{ChannelIndex}:repeat:{RepeatNumber}";
}

/// <summary>A delivery as its job needs it.</summary>
public sealed record PendingDelivery(
    Guid Id, Guid AlertId, Guid UserId, Guid? RuleId, int ChannelIndex, string Channel, string Status, string IdempotencyKey, int Attempts, int RepeatNumber);

/// <summary>A delivery as the user's log shows it.</summary>
public sealed record DeliveryDto(
    Guid Id, Guid AlertId, Guid? RuleId, string Channel, string Status, int RepeatNumber, int Attempts, DateTime CreatedAt, DateTime? LastAttemptAt,
    DateTime? SentAt, string? Error);

/// <summary>
/// <c>alerts.alert_notifications</c>: the queue of deliveries and their log. A delivery is inserted once (its
/// idempotency key is unique), claimed under a row lock while it is sent, and ends sent or failed.
/// </summary>
public sealed class NotificationDeliveries(DbSession db)
{
    private const string Queue = """
        INSERT INTO alerts.alert_notifications
            (id, alert_id, user_id, notification_rule_id, notification_channel, status, idempotency_key, repeat_number, metadata)
        SELECT d.id, d.alert_id, d.user_id, d.rule_id, d.channel, 'pending', d.key, d.repeat_number, jsonb_build_object('channelIndex', d.channel_index)
        FROM unnest(@Ids::uuid[], @AlertIds::uuid[], @UserIds::uuid[], @RuleIds::uuid[], @Channels::text[], @Keys::text[], @RepeatNumbers::int[],
                    @ChannelIndexes::int[])
             AS d(id, alert_id, user_id, rule_id, channel, key, repeat_number, channel_index)
        -- An alert deleted with its rule since it was raised is told to no one.
        WHERE EXISTS (SELECT 1 FROM alerts.alert_history h WHERE h.id = d.alert_id)
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id
        """;

    private const string Claim = """
        SELECT id, alert_id AS AlertId, user_id AS UserId, notification_rule_id AS RuleId, (metadata ->> 'channelIndex')::int AS ChannelIndex,
               notification_channel AS Channel, status, idempotency_key AS IdempotencyKey, attempts, repeat_number AS RepeatNumber
        FROM alerts.alert_notifications
        WHERE id = @Id
        FOR UPDATE SKIP LOCKED
        """;

    private const string Attempted = """
        UPDATE alerts.alert_notifications
        SET attempts = attempts + 1, last_attempt_at = now(), status = @Status, error_message = @Error,
            sent_at = CASE WHEN @Status = 'sent' THEN now() END
        WHERE id = @Id
        """;

    /// <summary>
    /// The repeats that are due: for each open, unacknowledged alert and each (rule, channel) it was told on, the next
    /// delivery once the rule's repeat interval has passed since the last one.
    /// </summary>
    private const string DueRepeats = """
        SELECT last.alert_id AS AlertId, last.user_id AS UserId, last.notification_rule_id AS RuleId, last.channel_index AS ChannelIndex,
               last.notification_channel AS Channel, last.repeat_number + 1 AS RepeatNumber
        FROM (
            SELECT DISTINCT ON (n.alert_id, n.notification_rule_id, n.metadata ->> 'channelIndex')
                   n.alert_id, n.user_id, n.notification_rule_id, (n.metadata ->> 'channelIndex')::int AS channel_index, n.notification_channel,
                   n.repeat_number, n.created_at
            FROM alerts.alert_notifications n
            JOIN alerts.alert_history h ON h.id = n.alert_id AND h.resolved_at IS NULL AND h.acknowledged_at IS NULL
            WHERE n.notification_rule_id IS NOT NULL
            ORDER BY n.alert_id, n.notification_rule_id, n.metadata ->> 'channelIndex', n.repeat_number DESC
        ) last
        JOIN alerts.alert_notification_rules r ON r.id = last.notification_rule_id AND r.is_enabled AND r.repeat_interval_minutes > 0
        WHERE last.created_at <= @Now - make_interval(mins => r.repeat_interval_minutes)
        """;

    /// <summary>
    /// Pending deliveries no job has touched for a while (their job was lost with an instance), or never attempted
    /// since well after they were queued (the job was lost at once): queued again.
    /// </summary>
    private const string Stalled = """
        SELECT id FROM alerts.alert_notifications
        WHERE status = 'pending' AND (coalesce(last_attempt_at, created_at) < @Before OR (attempts = 0 AND created_at < @UnattemptedBefore))
        ORDER BY created_at
        LIMIT 500
        """;

    private const string OfUser = """
        SELECT count(*) FROM alerts.alert_notifications
        WHERE user_id = @UserId AND (@Status::text IS NULL OR status = @Status) AND (@AlertId::uuid IS NULL OR alert_id = @AlertId);

        SELECT id, alert_id AS AlertId, notification_rule_id AS RuleId, notification_channel AS Channel, status, repeat_number AS RepeatNumber,
               attempts, created_at AS CreatedAt, last_attempt_at AS LastAttemptAt, sent_at AS SentAt, error_message AS Error
        FROM alerts.alert_notifications
        WHERE user_id = @UserId AND (@Status::text IS NULL OR status = @Status) AND (@AlertId::uuid IS NULL OR alert_id = @AlertId)
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset;
        """;

    /// <returns>the ids of the deliveries actually queued (those queued before are left alone)</returns>
    public async Task<IReadOnlyList<Guid>> QueueAsync(IReadOnlyCollection<QueuedDelivery> deliveries, CancellationToken ct)
    {
        if (deliveries.Count == 0)
        {
            return [];
        }

        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<Guid>(new CommandDefinition(Queue, new
        {
            Ids = deliveries.Select(_ => Guid.CreateVersion7()).ToArray(),
            AlertIds = deliveries.Select(d => d.AlertId).ToArray(),
            UserIds = deliveries.Select(d => d.UserId).ToArray(),
            RuleIds = deliveries.Select(d => d.RuleId).ToArray(),
            Channels = deliveries.Select(d => d.Channel).ToArray(),
            Keys = deliveries.Select(d => d.IdempotencyKey).ToArray(),
            RepeatNumbers = deliveries.Select(d => d.RepeatNumber).ToArray(),
            ChannelIndexes = deliveries.Select(d => d.ChannelIndex).ToArray(),
        }, db.Transaction, cancellationToken: ct))];
    }

    /// <returns>the delivery, locked until the transaction ends; null when it is gone or another job holds it</returns>
    public async Task<PendingDelivery?> ClaimAsync(Guid id, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<PendingDelivery>(new CommandDefinition(Claim, new { Id = id }, db.Transaction, cancellationToken: ct));
    }

    /// <param name="status">sent, pending (to be retried) or failed (given up)</param>
    public async Task RecordAttemptAsync(Guid id, string status, string? error, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Attempted,
            new { Id = id, Status = status, Error = error is { Length: > 1000 } ? error[..1000] : error }, db.Transaction, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<QueuedDelivery>> DueRepeatsAsync(DateTimeOffset now, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<QueuedDelivery>(new CommandDefinition(DueRepeats, new { Now = now }, db.Transaction, cancellationToken: ct))];
    }

    public async Task<IReadOnlyList<Guid>> StalledAsync(DateTimeOffset before, DateTimeOffset unattemptedBefore, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<Guid>(new CommandDefinition(Stalled, new { Before = before, UnattemptedBefore = unattemptedBefore },
            db.Transaction, cancellationToken: ct))];
    }

    public async Task<Page<DeliveryDto>> OfUserAsync(Guid userId, string? status, Guid? alertId, PageRequest page, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(OfUser,
            new { UserId = userId, Status = status, AlertId = alertId, page.Limit, page.Offset }, db.Transaction, cancellationToken: ct));
        var total = await results.ReadSingleAsync<long>();
        return new Page<DeliveryDto>([.. await results.ReadAsync<DeliveryDto>()], total, page.Page, page.Limit);
    }
}
