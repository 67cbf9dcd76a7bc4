using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Modules.Tenancy.Contracts;

// Published by Tenancy for the Audit module. Never carry secrets: no passwords, tokens or keys.

public sealed record UserLoggedIn(Guid EventId, DateTimeOffset OccurredAt, Guid UserId, string Email, string? IpAddress, string? UserAgent)
    : IIntegrationEvent;

public sealed record LoginFailed(Guid EventId, DateTimeOffset OccurredAt, string? Email, string Reason, string? IpAddress, string? UserAgent)
    : IIntegrationEvent;

public sealed record IdentityWebhookReceived(Guid EventId, DateTimeOffset OccurredAt, string DeliveryId, Guid UserId, string Change)
    : IIntegrationEvent;

/// <summary>Refused access tokens of one instance over a window, as counts per reason: one event, however many requests.</summary>
public sealed record TokensRefused(
    Guid EventId, DateTimeOffset OccurredAt, DateTimeOffset WindowStart, DateTimeOffset WindowEnd, IReadOnlyDictionary<string, long> Reasons)
    : IIntegrationEvent;
