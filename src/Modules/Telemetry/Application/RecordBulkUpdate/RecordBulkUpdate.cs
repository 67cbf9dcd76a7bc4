using EvaraTech.Application.Behaviours;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.RecordBulkUpdate;

/// <summary>
/// ThingSpeak's bulk write (<c>POST /channels/{id}/bulk_update.json</c> and <c>.csv</c>): many buffered entries of one
/// channel in one request, authenticated by the channel's write key, through the one ingestion pipeline in one
/// transaction. Times without an offset are read in <c>timezone</c> when given.
/// </summary>
[Anonymous]
[AuditedElsewhere]
public sealed record RecordBulkUpdateCommand(long ChannelId, string? WriteKey, IReadOnlyList<BulkEntry> Updates, string? Timezone = null) : ICommand<BatchOutcome>
{
    /// <summary>ThingSpeak's own limit per bulk request.</summary>
    public const int MaxUpdates = 960;
}

public sealed class RecordBulkUpdateValidator : AbstractValidator<RecordBulkUpdateCommand>
{
    public RecordBulkUpdateValidator()
    {
        RuleFor(c => c.Timezone).Must(zone => zone is null || DeviceTimestamps.Zone(zone) is not null)
            .WithMessage("timezone is an IANA time zone such as America/New_York.").OverridePropertyName("timezone");
        RuleFor(c => c.WriteKey).NotEmpty().WithMessage("write_api_key is required.").OverridePropertyName("write_api_key");
        RuleFor(c => c.Updates).NotEmpty().WithMessage("updates is a non-empty array.").OverridePropertyName("updates");
        RuleFor(c => c.Updates.Count).LessThanOrEqualTo(RecordBulkUpdateCommand.MaxUpdates)
            .WithMessage($"At most {RecordBulkUpdateCommand.MaxUpdates} updates per request.").Unprocessable().OverridePropertyName("updates");
        RuleForEach(c => c.Updates).ChildRules(update =>
        {
            update.RuleFor(u => u).Must(u => u.CreatedAt is not null || u.DeltaT is not null)
                .WithMessage("Each update has created_at or delta_t.").OverridePropertyName("created_at");
            update.RuleFor(u => u.CreatedAt).Must(text => text is null || DeviceTimestamps.TryParse(text, out _))
                .WithMessage("created_at is an ISO 8601, MySQL or Unix epoch time.").OverridePropertyName("created_at");
            update.RuleFor(u => u.DeltaT).GreaterThanOrEqualTo(0).WithMessage("delta_t is a number of seconds, not negative.")
                .Unprocessable().OverridePropertyName("delta_t");
        }).OverridePropertyName("updates");
        RuleFor(c => BulkTimeline.Problem(c.Updates)).Null().WithMessage((_, problem) => problem).Unprocessable().OverridePropertyName("updates");
    }
}

public sealed class RecordBulkUpdateHandler(
    ICurrentUser user, DbSession db, INodeIngestionSources directory, WriteKeyLookup writeKeys, IngestionRecords records, ISender sender, TimeProvider clock)
    : ICommandHandler<RecordBulkUpdateCommand, BatchOutcome>
{
    public async ValueTask<BatchOutcome> Handle(RecordBulkUpdateCommand command, CancellationToken cancellationToken)
    {
        // The key is the device's credential; looking it up is the platform's own business.
        user.ActAsSystem();
        await db.RefreshUserContextAsync(cancellationToken);
        var nodeId = await writeKeys.FindAsync(command.WriteKey!.Trim(), cancellationToken);
        var source = nodeId is { } id ? (await directory.IngestionSourcesAsync([id], cancellationToken)).SingleOrDefault() : null;
        if (source?.ChannelId != command.ChannelId)
        {
            throw new AppException(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, "write_api_key is not this channel's write key.", "write_api_key");
        }

        var times = BulkTimeline.Place(command.Updates, clock.GetUtcNow(), DeviceTimestamps.Zone(command.Timezone));
        var firstId = await records.ReserveEntryIdsAsync(source.Node.Id, command.Updates.Count, cancellationToken);
        RawEntry[] entries = [.. command.Updates.Select((update, i) => new RawEntry(times[i], firstId + i, update.Fields))];
        return (await sender.Send(new RecordTelemetryBatchCommand(source.Node.Id, IngestionSources.Push, entries), cancellationToken)).Single();
    }
}
