using Dapper;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>
/// Where a node's ThingSpeak feed stands: the highest entry id taken, the time up to which the feed was read
/// completely, and the page size reads use. Only the poller moves it; pushes number their entries elsewhere.
/// </summary>
/// <param name="LastEntryAt">the time of the entry with <see cref="LastEntryId"/>, when it was taken</param>
public sealed record PollCursor(long LastEntryId, DateTimeOffset ReadUntil, int PageSize, DateTimeOffset? LastEntryAt = null);

/// <summary>A node the cycle holds a lease on, and its cursor (null: never read).</summary>
public sealed record PollClaim(Guid NodeId, long ChannelId, PollCursor? Cursor);

/// <summary>A channel reset the poller noticed (entry ids started again), to show on the node.</summary>
public sealed record ChannelReset(DateTimeOffset At, string Description);

/// <summary>
/// <c>telemetry.poll_schedule</c>: which polled nodes are due and who holds them. Claims take due, unleased rows with
/// <c>FOR UPDATE SKIP LOCKED</c> and lease them in the same statement, so concurrent cycles, on one instance or
/// several, never hold the same node; a release only counts for the lease's holder.
/// </summary>
public sealed class PollSchedule(DbSession db)
{
    // Nodes no longer polled leave the schedule with their cursor (their channel may change before they return); a
    // node whose channel changed starts its feed afresh, since entry ids are per channel.
    private const string Sync = """
        WITH polled AS (
            SELECT node_id, channel_id FROM unnest(@NodeIds::uuid[], @ChannelIds::bigint[]) AS p(node_id, channel_id)
        ),
        gone AS (
            DELETE FROM telemetry.poll_schedule s
            WHERE NOT EXISTS (SELECT 1 FROM polled p WHERE p.node_id = s.node_id)
            RETURNING s.node_id
        ),
        forgotten AS (
            DELETE FROM telemetry.ingestion_cursors c USING gone g WHERE c.node_id = g.node_id
        ),
        moved AS (
            UPDATE telemetry.poll_schedule s
            SET channel_id = p.channel_id, next_poll_at = '-infinity'
            FROM polled p
            WHERE p.node_id = s.node_id AND p.channel_id <> s.channel_id
            RETURNING s.node_id
        ),
        restarted AS (
            DELETE FROM telemetry.ingestion_cursors c USING moved m WHERE c.node_id = m.node_id
        )
        INSERT INTO telemetry.poll_schedule (node_id, channel_id)
        SELECT node_id, channel_id FROM polled ORDER BY node_id
        ON CONFLICT (node_id) DO NOTHING
        """;

    private const string Claim = """
        WITH due AS (
            SELECT node_id
            FROM telemetry.poll_schedule
            WHERE next_poll_at <= @CycleStart AND (lease_until IS NULL OR lease_until < now())
            ORDER BY next_poll_at, node_id
            LIMIT @Limit
            FOR UPDATE SKIP LOCKED
        )
        UPDATE telemetry.poll_schedule s
        SET lease_owner = @Owner, lease_until = now() + make_interval(secs => @LeaseSeconds)
        FROM due
        LEFT JOIN telemetry.ingestion_cursors c ON c.node_id = due.node_id
        WHERE s.node_id = due.node_id
        RETURNING s.node_id AS NodeId, s.channel_id AS ChannelId, c.last_entry_id AS LastEntryId, c.read_until AS ReadUntil, c.page_size AS PageSize,
                  c.last_entry_at AS LastEntryAt
        """;

    private const string SaveCursors = """
        INSERT INTO telemetry.ingestion_cursors AS c (node_id, last_entry_id, last_entry_at, read_until, page_size, last_reset_at, last_reset)
        SELECT * FROM unnest(@NodeIds::uuid[], @EntryIds::bigint[], @EntryAts::timestamptz[], @ReadUntils::timestamptz[], @PageSizes::int[],
                             @ResetAts::timestamptz[], @Resets::text[])
        ORDER BY 1
        ON CONFLICT (node_id) DO UPDATE
        SET last_entry_id = EXCLUDED.last_entry_id, last_entry_at = EXCLUDED.last_entry_at, read_until = EXCLUDED.read_until,
            page_size = EXCLUDED.page_size,
            last_reset_at = coalesce(EXCLUDED.last_reset_at, c.last_reset_at), last_reset = coalesce(EXCLUDED.last_reset, c.last_reset),
            updated_at = now()
        """;

    private const string HandBack = """
        UPDATE telemetry.poll_schedule
        SET lease_owner = NULL, lease_until = NULL
        WHERE node_id = ANY(@NodeIds) AND lease_owner = @Owner
        """;

    private const string Release = """
        UPDATE telemetry.poll_schedule s
        SET lease_owner = NULL, lease_until = NULL, next_poll_at = r.next_poll_at, last_polled_at = now(), last_duration_ms = r.duration_ms,
            last_success_at = CASE WHEN r.error IS NULL THEN now() ELSE s.last_success_at END,
            consecutive_failures = CASE WHEN r.error IS NULL THEN 0 ELSE s.consecutive_failures + 1 END,
            last_error = coalesce(left(r.error, 500), s.last_error),
            last_error_at = CASE WHEN r.error IS NULL THEN s.last_error_at ELSE now() END
        FROM unnest(@NodeIds::uuid[], @NextPollAts::timestamptz[], @DurationsMs::int[], @Errors::text[]) AS r(node_id, next_poll_at, duration_ms, error)
        WHERE s.node_id = r.node_id AND s.lease_owner = @Owner
        RETURNING s.node_id
        """;

    /// <summary>Ends the holder's leases without a poll: the nodes stay due, for whichever cycle comes next.</summary>
    /// <returns>how many leases were still the holder's</returns>
    public async Task<int> HandBackAsync(string owner, Guid[] nodeIds, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(HandBack, new { Owner = owner, NodeIds = nodeIds }, db.Transaction, cancellationToken: ct));
    }

    /// <summary>Brings the schedule in line with the directory's polled channels; returns the database's clock.</summary>
    public async Task<DateTimeOffset> SyncAsync(IReadOnlyList<PolledChannel> channels, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(Sync,
            new { NodeIds = channels.Select(c => c.NodeId).ToArray(), ChannelIds = channels.Select(c => c.ChannelId).ToArray() },
            db.Transaction, cancellationToken: ct));
        var now = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT now()", transaction: db.Transaction, cancellationToken: ct));
        return new DateTimeOffset(DateTime.SpecifyKind(now, DateTimeKind.Utc));
    }

    /// <summary>Leases up to <paramref name="limit"/> nodes due by <paramref name="cycleStart"/> to <paramref name="owner"/>.</summary>
    public async Task<IReadOnlyList<PollClaim>> ClaimAsync(string owner, DateTimeOffset cycleStart, int limit, TimeSpan lease, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<ClaimRow>(new CommandDefinition(Claim,
            new { Owner = owner, CycleStart = cycleStart, Limit = limit, LeaseSeconds = lease.TotalSeconds }, db.Transaction, cancellationToken: ct));
        return [.. rows.Select(r => r.ToClaim())];
    }

    private sealed record ClaimRow(Guid NodeId, long ChannelId, long? LastEntryId, DateTime? ReadUntil, int? PageSize, DateTime? LastEntryAt)
    {
        public PollClaim ToClaim() => new(NodeId, ChannelId,
            LastEntryId is { } id && ReadUntil is { } until && PageSize is { } size
                ? new PollCursor(id, Utc(until), size, LastEntryAt is { } at ? Utc(at) : null)
                : null);

        private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
    }

    /// <summary>
    /// Stores where each node's feed now stands. Only the holder of a node's lease saves its cursor (the caller saves
    /// the nodes <see cref="ReleaseAsync"/> answered), so the cursor is set, not merged: after a channel reset it
    /// moves back to the new ids.
    /// </summary>
    public async Task SaveCursorsAsync(IReadOnlyCollection<(Guid NodeId, PollCursor Cursor, ChannelReset? Reset)> cursors, CancellationToken ct)
    {
        if (cursors.Count == 0)
        {
            return;
        }

        var connection = await db.ConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(SaveCursors, new
        {
            NodeIds = cursors.Select(c => c.NodeId).ToArray(),
            EntryIds = cursors.Select(c => c.Cursor.LastEntryId).ToArray(),
            EntryAts = cursors.Select(c => c.Cursor.LastEntryAt?.UtcDateTime).ToArray(),
            ReadUntils = cursors.Select(c => c.Cursor.ReadUntil.UtcDateTime).ToArray(),
            PageSizes = cursors.Select(c => c.Cursor.PageSize).ToArray(),
            ResetAts = cursors.Select(c => c.Reset?.At.UtcDateTime).ToArray(),
            Resets = cursors.Select(c => c.Reset?.Description).ToArray(),
        }, db.Transaction, cancellationToken: ct));
    }

    /// <summary>Ends the holder's leases, records how each poll went (error null: it succeeded) and schedules the next.</summary>
    /// <returns>the nodes whose leases were still the holder's (fewer: some had expired and passed on)</returns>
    public async Task<IReadOnlySet<Guid>> ReleaseAsync(
        string owner, IReadOnlyCollection<(Guid NodeId, DateTimeOffset NextPollAt, TimeSpan Duration, string? Error)> polls, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(Release, new
        {
            Owner = owner,
            NodeIds = polls.Select(p => p.NodeId).ToArray(),
            NextPollAts = polls.Select(p => p.NextPollAt.UtcDateTime).ToArray(),
            DurationsMs = polls.Select(p => (int)Math.Min(p.Duration.TotalMilliseconds, int.MaxValue)).ToArray(),
            Errors = polls.Select(p => p.Error).ToArray(),
        }, db.Transaction, cancellationToken: ct))).ToHashSet();
    }
}
