using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Modules.Reporting.Contracts;

/// <summary>The dashboard's figures were recomputed (published by Reporting; live dashboards fetch theirs again).</summary>
public sealed record DashboardStatsRefreshed(Guid EventId, DateTimeOffset OccurredAt, DateTimeOffset RefreshedAt) : IIntegrationEvent;
