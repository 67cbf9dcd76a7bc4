using System.Text.Json.Nodes;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Audit.Application.AuthenticationEvents;

/// <summary>Authentication events from Tenancy become AUTHENTICATE rows, once each (the event id is the row id).</summary>
public sealed class RecordAuthenticationEvents(IAuditTrail trail)
    : IIntegrationEventHandler<UserLoggedIn>, IIntegrationEventHandler<LoginFailed>, IIntegrationEventHandler<IdentityWebhookReceived>,
      IIntegrationEventHandler<TokensRefused>
{
    public Task HandleAsync(UserLoggedIn e, CancellationToken cancellationToken) =>
        trail.RecordAsync(new AuditEntry(AuditAction.Authenticate, "session", e.UserId.ToString(),
            new JsonObject { ["outcome"] = "success", ["email"] = e.Email, ["ipAddress"] = e.IpAddress, ["userAgent"] = e.UserAgent },
            UserId: e.UserId, OccurredAt: e.OccurredAt, EntryId: e.EventId), cancellationToken);

    public Task HandleAsync(LoginFailed e, CancellationToken cancellationToken) =>
        trail.RecordAsync(new AuditEntry(AuditAction.Authenticate, "session", null,
            new JsonObject { ["outcome"] = "failure", ["email"] = e.Email, ["reason"] = e.Reason, ["ipAddress"] = e.IpAddress, ["userAgent"] = e.UserAgent },
            OccurredAt: e.OccurredAt, EntryId: e.EventId), cancellationToken);

    public Task HandleAsync(IdentityWebhookReceived e, CancellationToken cancellationToken) =>
        trail.RecordAsync(new AuditEntry(AuditAction.Authenticate, "identity", e.UserId.ToString(),
            new JsonObject { ["outcome"] = e.Change, ["deliveryId"] = e.DeliveryId },
            UserId: e.UserId, OccurredAt: e.OccurredAt, EntryId: e.EventId), cancellationToken);

    public Task HandleAsync(TokensRefused e, CancellationToken cancellationToken)
    {
        var reasons = new JsonObject();
        foreach (var (reason, count) in e.Reasons)
        {
            reasons[reason] = count;
        }

        return trail.RecordAsync(new AuditEntry(AuditAction.Authenticate, "access_token", null,
            new JsonObject
            {
                ["outcome"] = "refused", ["count"] = e.Reasons.Values.Sum(), ["reasons"] = reasons,
                ["windowStart"] = e.WindowStart, ["windowEnd"] = e.WindowEnd,
            },
            OccurredAt: e.OccurredAt, EntryId: e.EventId), cancellationToken);
    }
}
