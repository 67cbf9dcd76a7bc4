using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;

public static class IngestionSources
{
    public const string Poll = "poll";
    public const string Push = "push";
    public const string Gateway = "gateway";
    public const string Mqtt = "mqtt";
}

/// <summary>One node's entries of a batch.</summary>
public sealed record NodeEntries(Guid NodeId, IReadOnlyList<RawEntry> Entries);

/// <summary>
/// What became of one node's entries: stored, already stored before, refused whole, and fields refused from entries
/// that were otherwise stored (every refusal is kept in telemetry_rejections).
/// </summary>
public sealed record BatchOutcome(Guid NodeId, int Received, int Stored, int Duplicates, int Rejected, int RefusedFields);

/// <summary>
/// The one ingestion pipeline, whatever the source: map → calibrate → validate → store (binary COPY, idempotent) →
/// rejections → operational state and reported firmware → one <see cref="TelemetryBatchRecorded"/> per node that stored readings, all in
/// one transaction. A batch may hold many nodes (a poll cycle's group, a gateway's request): one commit for all.
/// </summary>
/// <remarks>Not audited per batch: the readings and their rejections are the record (a poll a minute per node would drown the trail).</remarks>
[RequiresPermission(Permissions.TelemetryWrite)]
[AuditedElsewhere]
public sealed record RecordTelemetryBatchCommand(string Source, IReadOnlyList<NodeEntries> Nodes) : ICommand<IReadOnlyList<BatchOutcome>>
{
    /// <summary>One node's entries.</summary>
    public RecordTelemetryBatchCommand(Guid nodeId, string source, IReadOnlyList<RawEntry> entries)
        : this(source, [new NodeEntries(nodeId, entries)])
    {
    }
}

public sealed class RecordTelemetryBatchHandler(
    INodeIngestionSources directory, INodeTelemetryState state, IngestionRecords records, DbSession db, IIntegrationEventPublisher events,
    TimeProvider clock)
    : ICommandHandler<RecordTelemetryBatchCommand, IReadOnlyList<BatchOutcome>>
{
    public async ValueTask<IReadOnlyList<BatchOutcome>> Handle(RecordTelemetryBatchCommand command, CancellationToken cancellationToken)
    {
        var sources = (await directory.IngestionSourcesAsync([.. command.Nodes.Select(n => n.NodeId).Distinct()], cancellationToken))
            .ToDictionary(s => s.Node.Id);
        if (command.Nodes.DistinctBy(n => n.NodeId).Count() != command.Nodes.Count)
        {
            throw new InvalidOperationException("A batch holds each node's entries once.");
        }

        if (command.Nodes.FirstOrDefault(n => !sources.ContainsKey(n.NodeId)) is not null)
        {
            throw AppException.NotFound("Node");
        }

        var now = clock.GetUtcNow();
        var parsed = command.Nodes.Select(n => Parse(n, sources[n.NodeId], now)).ToList();
        var connection = await db.ConnectionAsync(cancellationToken);
        var (_, writtenByNode) = await TelemetryWriter.WriteByNodeAsync(connection, db.Transaction!, [.. parsed.SelectMany(p => p.Readings)], now,
            WireMode.BinaryCopy, cancellationToken);
        await records.RejectAsync(command.Source, [.. parsed.SelectMany(p => p.Rejected.Select(r => (p.Node.NodeId, r.Entry, r.Rejection)))], cancellationToken);

        var stored = parsed.Where(p => writtenByNode.ContainsKey(p.Node.NodeId))
            .Select(p => (Node: p, Stored: writtenByNode[p.Node.NodeId], Oldest: p.Readings.Min(r => r.Timestamp), Newest: p.Readings.Max(r => r.Timestamp)))
            .ToList();
        await state.RecordReadingsAsync([.. stored.Select(s => (s.Node.Node.NodeId, s.Oldest, s.Newest))], cancellationToken);
        await state.RecordFirmwareAsync([.. command.Nodes.Select(n => Firmware(n, now)).OfType<(Guid, string, DateTimeOffset)>()], cancellationToken);
        await events.PublishAsync([.. stored.Select(s => (IIntegrationEvent)new TelemetryBatchRecorded(Guid.CreateVersion7(), now, s.Node.Node.NodeId,
            s.Node.Source.Node.OwnerDistributorId, s.Node.Table.Key, s.Stored.Count, s.Oldest, s.Newest, Carried(s.Stored)))], cancellationToken);

        IReadOnlyList<BatchOutcome> outcomes = [.. parsed.Select(node =>
        {
            var written = writtenByNode.GetValueOrDefault(node.Node.NodeId)?.Count ?? 0;
            var accepted = node.Readings.Count(r => ReadingWindow.Classify(r.Timestamp, now) == ReadingTime.Accepted);
            var refusedWhole = node.Node.Entries.Count - node.Readings.Count;
            return new BatchOutcome(node.Node.NodeId, node.Node.Entries.Count, written, accepted - written,
                refusedWhole + node.Readings.Count - accepted, node.RefusedFields);
        })];
        db.AfterCommit(() => IngestionMetrics.Record(command.Source, outcomes));
        return outcomes;
    }

    /// <summary>The firmware the node's newest entry that reports one says it runs (an entry outside the time window says nothing).</summary>
    private static (Guid NodeId, string Version, DateTimeOffset At)? Firmware(NodeEntries node, DateTimeOffset now)
    {
        (Guid NodeId, string Version, DateTimeOffset At)? newest = null;
        foreach (var entry in node.Entries)
        {
            if ((newest is null || entry.Timestamp > newest.Value.At) && ReportedFirmware.Of(entry) is { } version
                && ReadingWindow.Classify(entry.Timestamp, now) == ReadingTime.Accepted)
            {
                newest = (node.NodeId, version, entry.Timestamp);
            }
        }

        return newest;
    }

    /// <summary>The node's written readings for its event, when few enough to carry (consumers then read nothing back).</summary>
    private static IReadOnlyList<StoredReading>? Carried(IReadOnlyList<IReading> written) =>
        written.Count <= TelemetryBatchRecorded.CarriedReadings ? [.. written.Select(r => StagedLayout.Of(r).AsStored(r))] : null;

    private static ParsedNode Parse(NodeEntries node, IngestionSource source, DateTimeOffset now)
    {
        var profile = IngestionProfiles.Of(source);
        var results = node.Entries.Select(entry => (Entry: entry, Result: EntryParser.Parse(profile, entry, now))).ToList();
        return new ParsedNode(node, source, profile.Table,
            [.. results.Where(p => p.Result.Reading is not null).Select(p => p.Result.Reading!)],
            [.. results.SelectMany(p => p.Result.Rejections.Select(r => (p.Entry, r)))],
            results.Where(p => p.Result.Reading is not null).Sum(p => p.Result.Rejections.Count));
    }

    /// <param name="RefusedFields">fields refused from entries whose other fields were stored</param>
    private sealed record ParsedNode(
        NodeEntries Node, IngestionSource Source, TelemetryTable Table, List<IReading> Readings, List<(RawEntry Entry, Rejection Rejection)> Rejected,
        int RefusedFields);
}
