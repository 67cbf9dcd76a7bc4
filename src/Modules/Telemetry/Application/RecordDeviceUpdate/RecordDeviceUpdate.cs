using EvaraTech.Application.Auditing;
using EvaraTech.Application.Nodes;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Mediator;

namespace EvaraTech.Modules.Telemetry.Application.RecordDeviceUpdate;

/// <summary>What a ThingSpeak-style update answered: the new entry's id, or 0 when nothing was stored.</summary>
public sealed record DeviceUpdateResult(long EntryId, DateTimeOffset? CreatedAt);

/// <summary>
/// A device's ThingSpeak-style update (<c>/update</c>): authenticated by its channel's write key, not by a user, and
/// answered like ThingSpeak (0 when refused), so firmware written for ThingSpeak works unchanged. The entry goes
/// through the one ingestion pipeline.
/// </summary>
[Anonymous]
[AuditedElsewhere]
public sealed record RecordDeviceUpdateCommand(string? WriteKey, IReadOnlyDictionary<string, string?> Fields, string? CreatedAt)
    : ICommand<DeviceUpdateResult>;

public sealed class RecordDeviceUpdateHandler(
    ICurrentUser user, DbSession db, INodeDirectory directory, IngestionRecords records, ISender sender, TimeProvider clock)
    : ICommandHandler<RecordDeviceUpdateCommand, DeviceUpdateResult>
{
    private static readonly DeviceUpdateResult Refused = new(0, null);

    public async ValueTask<DeviceUpdateResult> Handle(RecordDeviceUpdateCommand command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command.WriteKey))
        {
            return Refused;
        }

        // The key is the device's credential; looking it up is the platform's own business.
        user.ActAsSystem();
        await db.RefreshUserContextAsync(cancellationToken);
        if (await directory.FindByWriteKeyAsync(command.WriteKey, cancellationToken) is not { } nodeId)
        {
            return Refused;
        }

        var at = clock.GetUtcNow();
        if (command.CreatedAt is { Length: > 0 } text && !DeviceTimestamps.TryParse(text, out at))
        {
            return Refused;
        }

        var entryId = await records.ReserveEntryIdsAsync(nodeId, cancellationToken);
        var outcome = (await sender.Send(new RecordTelemetryBatchCommand(nodeId, IngestionSources.Push, [new RawEntry(at, entryId, command.Fields)]),
            cancellationToken)).Single();
        return outcome.Stored > 0 ? new DeviceUpdateResult(entryId, at) : Refused;
    }
}
