using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.GetNodeSources;

/// <summary>Where the node's ThingSpeak feed was read up to: the highest entry id taken, the time read completely, the page size.</summary>
public sealed record PollCursorView(long LastEntryId, DateTimeOffset ReadUntil, int PageSize);

/// <summary>
/// The poller's view of the node's channel: its last poll and last success, failures since, the last error (never a
/// key or a URL; kept after a success, so compare <see cref="LastErrorAt"/> with <see cref="LastSuccessAt"/>), the
/// cursor, and the last channel reset noticed.
/// </summary>
public sealed record PollSourceHealth(
    long ChannelId, DateTimeOffset? LastPollAt, DateTimeOffset? LastSuccessAt, DateTimeOffset NextPollAt, int? LastDurationMs,
    int ConsecutiveFailures, string? LastError, DateTimeOffset? LastErrorAt, PollCursorView? Cursor, DateTimeOffset? LastResetAt, string? LastReset);

/// <summary>Pushes to the node: the last entry id answered to its device, and when.</summary>
public sealed record PushSourceHealth(long LastEntryId, DateTimeOffset LastPushAt);

/// <summary>A refusal: which source, which entry and field, and why.</summary>
public sealed record RejectionView(DateTimeOffset ReceivedAt, string Source, DateTimeOffset? EntryTimestamp, long? EntryId, string? Field, string Reason);

/// <summary>How each of the node's sources is doing; a source the node does not use is null.</summary>
public sealed record NodeSources(Guid NodeId, PollSourceHealth? Poll, PushSourceHealth? Push, IReadOnlyList<RejectionView> LastRejections);

/// <summary><c>GET /nodes/{id}/sources</c>: each ingestion source's health and the last refusals, within the caller's scope.</summary>
[RequiresPermission(Permissions.TelemetryRead)]
public sealed record GetNodeSourcesQuery(Guid NodeId) : IQuery<NodeSources>
{
    public const int Rejections = 10;
}

public sealed class GetNodeSourcesHandler(TelemetryNodes nodes, SourceHealthReads reads) : IQueryHandler<GetNodeSourcesQuery, NodeSources>
{
    public async ValueTask<NodeSources> Handle(GetNodeSourcesQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        return await reads.ReadAsync(node.Node.Id, GetNodeSourcesQuery.Rejections, cancellationToken);
    }
}
