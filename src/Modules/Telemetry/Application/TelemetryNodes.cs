using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.Modules.Telemetry.Application;

/// <summary>A node the caller may see and the telemetry table its type reports into.</summary>
public sealed record TelemetryNode(NodeReference Node, TelemetryTable Table);

/// <summary>
/// Every telemetry query starts here: the node(s) are resolved through the Nodes module's <see cref="INodeLookup"/>
/// within the caller's scope (telemetry never reads the nodes tables), so an unknown node and a node outside the scope
/// are the same 404.
/// </summary>
public sealed class TelemetryNodes(INodeLookup directory, ICurrentUser user)
{
    public const string Resource = "Node";

    public async Task<TelemetryNode> FindAsync(Guid nodeId, CancellationToken cancellationToken) =>
        await directory.FindAsync(nodeId, user.Scope, cancellationToken) is { } node
            ? new TelemetryNode(node, TableOf(node))
            : throw AppException.NotFound(Resource);

    /// <returns>the nodes of <paramref name="nodeIds"/> the caller may see; the others are simply absent</returns>
    public async Task<IReadOnlyList<TelemetryNode>> FindManyAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken) =>
        [.. (await directory.FindManyAsync(nodeIds, user.Scope, cancellationToken)).Select(n => new TelemetryNode(n, TableOf(n)))];

    private static TelemetryTable TableOf(NodeReference node) =>
        TelemetryTable.ForAnalyticsType(node.AnalyticsType)
        ?? throw new InvalidOperationException($"Node {node.Id} has analytics type {node.AnalyticsType}, which has no telemetry table.");
}
