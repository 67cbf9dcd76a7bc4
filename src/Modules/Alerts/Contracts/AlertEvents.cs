using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Modules.Alerts.Contracts;

// Published by Alerts (for notifications, realtime dashboards and node status).

public sealed record AlertRaised(
    Guid EventId, DateTimeOffset OccurredAt, Guid AlertId, Guid RuleId, Guid NodeId, Guid OwnerDistributorId, string Severity, string Metric,
    double Value, string Message, DateTimeOffset TriggeredAt) : IIntegrationEvent;

public sealed record AlertResolved(
    Guid EventId, DateTimeOffset OccurredAt, Guid AlertId, Guid RuleId, Guid NodeId, Guid OwnerDistributorId, string Severity,
    DateTimeOffset ResolvedAt, string Resolution) : IIntegrationEvent;

public sealed record AlertAcknowledged(
    Guid EventId, DateTimeOffset OccurredAt, Guid AlertId, Guid RuleId, Guid NodeId, Guid OwnerDistributorId, string Severity,
    DateTimeOffset AcknowledgedAt, Guid AcknowledgedBy) : IIntegrationEvent;
