using Dapper;
using EvaraTech.Modules.Telemetry.Application.GetNodeSources;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>A node's ingestion records as its source health: the poll schedule and cursor, the push sequence, the last rejections.</summary>
public sealed class SourceHealthReads(DbSession db)
{
    private const string Sql = """
        SELECT s.channel_id AS ChannelId, s.last_polled_at AS LastPollAt, s.last_success_at AS LastSuccessAt, s.next_poll_at AS NextPollAt,
               s.last_duration_ms AS LastDurationMs, s.consecutive_failures AS ConsecutiveFailures, s.last_error AS LastError,
               s.last_error_at AS LastErrorAt, c.last_entry_id AS LastEntryId, c.read_until AS ReadUntil, c.page_size AS PageSize,
               c.last_reset_at AS LastResetAt, c.last_reset AS LastReset
        FROM telemetry.poll_schedule s
        LEFT JOIN telemetry.ingestion_cursors c ON c.node_id = s.node_id
        WHERE s.node_id = @NodeId;

        SELECT last_entry_id AS LastEntryId, last_pushed_at AS LastPushAt FROM telemetry.push_sequences WHERE node_id = @NodeId;

        SELECT received_at AS ReceivedAt, source, entry_timestamp AS EntryTimestamp, entry_id AS EntryId, source_field AS Field, reason
        FROM telemetry.telemetry_rejections
        WHERE node_id = @NodeId
        ORDER BY received_at DESC, id DESC
        LIMIT @Limit;
        """;

    public async Task<NodeSources> ReadAsync(Guid nodeId, int rejections, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(Sql, new { NodeId = nodeId, Limit = rejections },
            db.Transaction, cancellationToken: ct));
        var poll = await results.ReadSingleOrDefaultAsync<PollRow>();
        var push = await results.ReadSingleOrDefaultAsync<PushRow>();
        var refused = (await results.ReadAsync<RejectionRow>()).Select(r => r.MapTo<RejectionView>()).ToList();
        return new NodeSources(nodeId, poll?.ToHealth(), push?.MapTo<PushSourceHealth>(), refused);
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? Utc(value) : null;

    private sealed record PollRow(long ChannelId, DateTime? LastPollAt, DateTime? LastSuccessAt, DateTime NextPollAt, int? LastDurationMs,
        int ConsecutiveFailures, string? LastError, DateTime? LastErrorAt, long? LastEntryId, DateTime? ReadUntil, int? PageSize,
        DateTime? LastResetAt, string? LastReset)
    {
        public PollSourceHealth ToHealth() => new(ChannelId, Utc(LastPollAt), Utc(LastSuccessAt),
            NextPollAt == DateTime.MinValue ? DateTimeOffset.MinValue : Utc(NextPollAt), LastDurationMs, ConsecutiveFailures, LastError, Utc(LastErrorAt),
            LastEntryId is { } id && ReadUntil is { } until && PageSize is { } size ? new PollCursorView(id, Utc(until), size) : null,
            Utc(LastResetAt), LastReset);
    }

    private sealed record PushRow(long LastEntryId, DateTime LastPushAt);

    private sealed record RejectionRow(DateTime ReceivedAt, string Source, DateTime? EntryTimestamp, long? EntryId, string? Field, string Reason);
}
