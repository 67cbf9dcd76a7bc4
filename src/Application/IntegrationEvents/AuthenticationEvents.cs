namespace EvaraTech.Application.IntegrationEvents;

// Published by Tenancy for the Audit module. Never carry secrets: no passwords, tokens or keys.

public sealed record UserLoggedIn(Guid EventId, DateTimeOffset OccurredAt, Guid UserId, string Email, string? IpAddress, string? UserAgent)
    : IIntegrationEvent;

public sealed record LoginFailed(Guid EventId, DateTimeOffset OccurredAt, string Email, string Reason, string? IpAddress, string? UserAgent)
    : IIntegrationEvent;

public sealed record IdentityWebhookReceived(Guid EventId, DateTimeOffset OccurredAt, string DeliveryId, Guid UserId, string Change)
    : IIntegrationEvent;
