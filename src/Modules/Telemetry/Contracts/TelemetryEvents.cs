using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Modules.Telemetry.Contracts;

/// <summary>
/// A batch of readings of one node was stored (published by Telemetry; read by alert evaluation and live dashboards):
/// how many, of which type, the time span they cover. Consumers read the readings themselves.
/// </summary>
public sealed record TelemetryBatchRecorded(
    Guid EventId, DateTimeOffset OccurredAt, Guid NodeId, Guid OwnerDistributorId, string TelemetryType, int Stored,
    DateTimeOffset From, DateTimeOffset To) : IIntegrationEvent;
