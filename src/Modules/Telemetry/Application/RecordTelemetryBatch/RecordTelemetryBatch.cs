using EvaraTech.Application.Auditing;
using EvaraTech.Application.Errors;
using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Nodes;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Mediator;

namespace EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;

public static class IngestionSources
{
    public const string Poll = "poll";
    public const string Push = "push";
    public const string Gateway = "gateway";
}

/// <summary>What became of a batch: stored, already stored before, refused (kept in telemetry_rejections).</summary>
public sealed record BatchOutcome(int Received, int Stored, int Duplicates, int Rejected, long? LastEntryId);

/// <summary>
/// The one ingestion pipeline, whatever the source: map → calibrate → validate → store (binary COPY, idempotent) →
/// rejections → operational state → <see cref="TelemetryBatchRecorded"/>, all in one transaction.
/// </summary>
/// <remarks>Not audited per batch: the readings and their rejections are the record (a poll a minute per node would drown the trail).</remarks>
[RequiresPermission(Permissions.TelemetryWrite)]
[AuditedElsewhere]
public sealed record RecordTelemetryBatchCommand(Guid NodeId, string Source, IReadOnlyList<RawEntry> Entries) : ICommand<BatchOutcome>;

public sealed class RecordTelemetryBatchHandler(
    INodeDirectory directory, INodeTelemetryState state, IngestionRecords records, DbSession db, IIntegrationEventPublisher events,
    TimeProvider clock)
    : ICommandHandler<RecordTelemetryBatchCommand, BatchOutcome>
{
    public async ValueTask<BatchOutcome> Handle(RecordTelemetryBatchCommand command, CancellationToken cancellationToken)
    {
        var source = await directory.IngestionSourceAsync(command.NodeId, cancellationToken) ?? throw AppException.NotFound("Node");
        var profile = Profile(source);
        var now = clock.GetUtcNow();
        var parsed = command.Entries.Select(entry => (Entry: entry, Result: EntryParser.Parse(profile, entry, now))).ToList();
        var readings = parsed.Where(p => p.Result.Reading is not null).Select(p => p.Result.Reading!).ToList();
        var rejected = parsed.Where(p => p.Result.Rejection is not null).ToList();

        var connection = await db.ConnectionAsync(cancellationToken);
        var written = await TelemetryWriter.WriteAsync(connection, db.Transaction!, readings, now, StagingMode.BinaryCopy, cancellationToken);
        await records.RejectAsync(command.NodeId, command.Source, [.. rejected.Select(r => (r.Entry, r.Result.Rejection!))], cancellationToken);
        var lastEntry = command.Entries.Where(e => e.EntryId is not null).MaxBy(e => e.EntryId);
        if (lastEntry is not null)
        {
            await records.AdvanceCursorAsync(command.NodeId, lastEntry.EntryId!.Value, lastEntry.Timestamp, cancellationToken);
        }

        if (written.Written > 0)
        {
            var newest = readings.Max(r => r.Timestamp);
            await state.RecordReadingsAsync(command.NodeId, newest, cancellationToken);
            await events.PublishAsync(new TelemetryBatchRecorded(Guid.CreateVersion7(), now, command.NodeId, source.Node.OwnerDistributorId,
                profile.Table.Key, written.Written, readings.Min(r => r.Timestamp), newest), cancellationToken);
        }

        return new BatchOutcome(command.Entries.Count, written.Written, written.Duplicates, rejected.Count + written.TooOld + written.InFuture,
            lastEntry?.EntryId);
    }

    private static IngestionProfile Profile(IngestionSource source)
    {
        var table = TelemetryTable.ForAnalyticsType(source.Node.AnalyticsType)
            ?? throw new InvalidOperationException($"No telemetry table for {source.Node.AnalyticsType}.");
        var geometry = source.Node is { TankMaxDepthCm: { } depth, TankLowLevelPercent: { } low } ? new TankGeometry(depth, low) : null;
        return new IngestionProfile(source.Node.Id, table, geometry,
            [.. source.Fields.Select(f => new FieldMapping(f.Field, f.Metric, f.DataType, f.ScaleFactor, f.Offset))],
            [.. source.Calibrations.Select(c => CalibrationCurve.From(c.Metric, c.Kind, c.ParametersJson, c.ValidFrom, c.ValidUntil))]);
    }
}
