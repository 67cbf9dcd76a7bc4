namespace EvaraTech.Application.IntegrationEvents;

/// <summary>
/// A node's operational status changed (published by Nodes; read by alerts, downtime and live dashboards).
/// <see cref="StateVersion"/> orders the changes of one node: a consumer ignores one older than what it has seen.
/// </summary>
public sealed record NodeStatusChanged(
    Guid EventId, DateTimeOffset OccurredAt, Guid NodeId, Guid OwnerDistributorId, string PreviousStatus, string Status, long StateVersion, string Reason)
    : IIntegrationEvent;

/// <summary>The dashboard's figures were recomputed (published by Reporting; live dashboards fetch theirs again).</summary>
public sealed record DashboardStatsRefreshed(Guid EventId, DateTimeOffset OccurredAt, DateTimeOffset RefreshedAt) : IIntegrationEvent;
