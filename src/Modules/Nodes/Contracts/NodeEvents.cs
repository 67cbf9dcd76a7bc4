using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Modules.Nodes.Contracts;

/// <summary>
/// A node's operational status changed (published by Nodes; read by alerts, downtime and live dashboards).
/// <see cref="StateVersion"/> orders the changes of one node: a consumer ignores one older than what it has seen.
/// </summary>
public sealed record NodeStatusChanged(
    Guid EventId, DateTimeOffset OccurredAt, Guid NodeId, Guid OwnerDistributorId, string PreviousStatus, string Status, long StateVersion, string Reason)
    : IIntegrationEvent;
