using EvaraTech.Modules.Nodes.Persistence;

namespace EvaraTech.Modules.Nodes.Application.FirmwareSummary;

/// <summary>Firmware versions in use in the caller's scope, with how many nodes run each.</summary>
[RequiresPermission(Permissions.NodesRead)]
public sealed record GetFirmwareSummaryQuery : IQuery<IReadOnlyList<FirmwareCount>>;

public sealed class GetFirmwareSummaryHandler(NodeReads reads, ICurrentUser user) : IQueryHandler<GetFirmwareSummaryQuery, IReadOnlyList<FirmwareCount>>
{
    public async ValueTask<IReadOnlyList<FirmwareCount>> Handle(GetFirmwareSummaryQuery query, CancellationToken cancellationToken) =>
        await reads.FirmwareSummaryAsync(user.Scope, cancellationToken);
}
