using EvaraTech.Application.Queries;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>The node, community and time filters shared by the list and the stats.</summary>
internal static class AlertFilters
{
    /// <summary>The caller's scope always narrows (see <see cref="AlertFilter"/>); a node or community filter narrows to those nodes in scope.</summary>
    public static async Task<AlertFilter> ResolveAsync(INodeLookup nodes, TenantScope scope, Guid? nodeId, Guid? communityId, string? from,
        string? to, CancellationToken ct)
    {
        IReadOnlyCollection<Guid>? nodeIds = communityId is { } community
            ? [.. (await nodes.ListAsync(scope, community, ct)).Select(n => n.Id).Where(id => nodeId is null || id == nodeId)]
            : nodeId is { } node ? [node] : null;
        return new AlertFilter(scope, false, [], [], nodeIds, from is null ? null : TimeRangeParameters.Parse(from), to is null ? null : TimeRangeParameters.Parse(to));
    }
}
