using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Application.GetNodeHealth;

/// <summary>A node's health now (<see cref="HealthScore"/>), every part of the formula with its score, weight and basis.</summary>
public sealed record NodeHealth(
    Guid NodeId, double Score, double Confidence, DateTimeOffset ComputedAt, DateTimeOffset? LastReadingAt, int Readings24h,
    string PrimaryMetric, double? PrimaryAverage24h, IReadOnlyList<HealthPart> Parts);

/// <summary>
/// <c>GET /nodes/{id}/health</c>: the stored inputs (telemetry.device_states, one row) scored at the clock's now. A node
/// without a reading yet is scored on empty inputs.
/// </summary>
[RequiresPermission(Permissions.TelemetryRead)]
public sealed record GetNodeHealthQuery(Guid NodeId) : IQuery<NodeHealth>;

public sealed class GetNodeHealthHandler(TelemetryNodes nodes, TelemetryReads reads, TimeProvider clock) : IQueryHandler<GetNodeHealthQuery, NodeHealth>
{
    public static readonly HealthInputs NoState = new(null, 0, null, null, 0);

    public async ValueTask<NodeHealth> Handle(GetNodeHealthQuery query, CancellationToken cancellationToken)
    {
        var node = await nodes.FindAsync(query.NodeId, cancellationToken);
        var state = await reads.DeviceStateAsync(node.Node.Id, cancellationToken);
        var inputs = state?.Inputs ?? NoState;
        var now = clock.GetUtcNow();
        var health = HealthScore.Compute(inputs, now);
        return new NodeHealth(node.Node.Id, health.Score, health.Confidence, now, inputs.LastReadingAt, inputs.Readings24h,
            node.Table.PrimaryMetric, state?.PrimaryAverage24h, health.Parts);
    }
}
