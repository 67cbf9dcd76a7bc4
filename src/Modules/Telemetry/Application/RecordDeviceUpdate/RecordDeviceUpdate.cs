using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.RecordDeviceUpdate;

/// <summary>How a ThingSpeak-style update ended, which decides ThingSpeak's answer: the entry id, or <c>0</c> with 400 or 200.</summary>
public enum DeviceUpdateOutcome
{
    /// <summary>The entry was stored: answered with its id.</summary>
    Stored,

    /// <summary>No key, or no channel has it: 400 with <c>0</c>, as ThingSpeak answers.</summary>
    Unauthorized,

    /// <summary>created_at or timezone cannot be read: 400 with <c>0</c>.</summary>
    Malformed,

    /// <summary>The key is right but nothing was stored (every field refused, kept as rejections): 200 with <c>0</c>.</summary>
    Refused,
}

/// <summary>What a ThingSpeak-style update answered: the new entry's id (0 unless stored), its time, and why.</summary>
public sealed record DeviceUpdateResult(long EntryId, DateTimeOffset? CreatedAt, DeviceUpdateOutcome Outcome);

/// <summary>
/// A device's ThingSpeak-style update (<c>/update</c>): authenticated by its channel's write key, not by a user, and
/// answered like ThingSpeak, so firmware written for ThingSpeak works unchanged. A <c>created_at</c> without an offset
/// is read in <c>timezone</c> when given. The entry goes through the one ingestion pipeline.
/// </summary>
[Anonymous]
[AuditedElsewhere]
public sealed record RecordDeviceUpdateCommand(string? WriteKey, IReadOnlyDictionary<string, string?> Fields, string? CreatedAt, string? Timezone = null)
    : ICommand<DeviceUpdateResult>;

public sealed class RecordDeviceUpdateHandler(
    ICurrentUser user, DbSession db, WriteKeyLookup writeKeys, IngestionRecords records, ISender sender, TimeProvider clock)
    : ICommandHandler<RecordDeviceUpdateCommand, DeviceUpdateResult>
{
    public async ValueTask<DeviceUpdateResult> Handle(RecordDeviceUpdateCommand command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command.WriteKey))
        {
            return new(0, null, DeviceUpdateOutcome.Unauthorized);
        }

        // The key is the device's credential; looking it up is the platform's own business.
        user.ActAsSystem();
        await db.RefreshUserContextAsync(cancellationToken);
        if (await writeKeys.FindAsync(command.WriteKey.Trim(), cancellationToken) is not { } nodeId)
        {
            return new(0, null, DeviceUpdateOutcome.Unauthorized);
        }

        var zone = DeviceTimestamps.Zone(command.Timezone);
        var at = clock.GetUtcNow();
        if ((command.Timezone is { Length: > 0 } && zone is null)
            || (command.CreatedAt is { Length: > 0 } text && !DeviceTimestamps.TryParse(text, zone, out at)))
        {
            return new(0, null, DeviceUpdateOutcome.Malformed);
        }

        var entryId = await records.ReserveEntryIdsAsync(nodeId, 1, cancellationToken);
        var outcome = (await sender.Send(new RecordTelemetryBatchCommand(nodeId, IngestionSources.Push, [new RawEntry(at, entryId, command.Fields)]),
            cancellationToken)).Single();
        return outcome.Stored + outcome.Duplicates > 0
            ? new(entryId, at, DeviceUpdateOutcome.Stored)
            : new(0, null, DeviceUpdateOutcome.Refused);
    }
}
