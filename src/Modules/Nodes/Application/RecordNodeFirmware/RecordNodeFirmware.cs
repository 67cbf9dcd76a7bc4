using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.RecordNodeFirmware;

/// <summary>Records what firmware a node runs (reported by the device or an operator).</summary>
[RequiresPermission(Permissions.NodesWrite)]
[Audited(AuditAction.Update, "node", Operation = "record_firmware")]
public sealed record RecordNodeFirmwareCommand(Guid Id, string? FirmwareVersion, string? HardwareRevision, string? BootloaderVersion,
    DateTimeOffset? LastUpdate, string? UpdateStatus) : ICommand<NodeDetails>;

public sealed class RecordNodeFirmwareValidator : AbstractValidator<RecordNodeFirmwareCommand>
{
    public static readonly IReadOnlyList<string> Statuses = ["up_to_date", "update_available", "update_in_progress", "update_failed"];

    public RecordNodeFirmwareValidator()
    {
        RuleFor(c => c.FirmwareVersion).NotEmpty().MaximumLength(50);
        RuleFor(c => c.HardwareRevision).MaximumLength(50);
        RuleFor(c => c.BootloaderVersion).MaximumLength(50);
        RuleFor(c => c.UpdateStatus).Must(s => s is null || Statuses.Contains(s))
            .WithMessage($"updateStatus is one of {string.Join(", ", Statuses)}.");
    }
}

public sealed class RecordNodeFirmwareHandler(NodeStore store, NodeReads reads, ICurrentUser user, AuditContext audit)
    : ICommandHandler<RecordNodeFirmwareCommand, NodeDetails>
{
    public async ValueTask<NodeDetails> Handle(RecordNodeFirmwareCommand command, CancellationToken cancellationToken)
    {
        audit.Changing(await reads.GetAsync(command.Id, user.Scope, cancellationToken));
        await store.TouchAsync(command.Id, null, user.Scope, cancellationToken);
        await store.RecordFirmwareAsync(command.Id, new FirmwareRecord(command.FirmwareVersion!, command.HardwareRevision,
            command.BootloaderVersion, command.LastUpdate, command.UpdateStatus ?? "up_to_date"), cancellationToken);
        return await reads.GetAsync(command.Id, user.Scope, cancellationToken);
    }
}
