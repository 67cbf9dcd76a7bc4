using System.Text.Json;
using System.Text.Json.Serialization;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Contracts;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.AuthWebhook;

/// <summary>
/// A signed delivery from the identity provider about one of its users (Supabase database webhook on
/// <c>auth.users</c>): INSERT and UPDATE upsert the profile, DELETE deactivates it. Anonymous by nature; the
/// Standard Webhooks signature is the authentication.
/// </summary>
// Recorded by the Audit module from the authentication events, failures included.
[Anonymous]
[AuditedElsewhere]
public sealed record ReceiveAuthWebhookCommand(string? DeliveryId, string? Timestamp, string? Signature, string Body) : ICommand<AuthWebhookResult>;

public sealed record AuthWebhookResult(Guid UserId, string Change);

public sealed class ReceiveAuthWebhookHandler(
    IOptions<JwtOptions> options, TimeProvider clock, CurrentUser currentUser, DbSession db, ProfileSync profiles, IIntegrationEventPublisher events)
    : ICommandHandler<ReceiveAuthWebhookCommand, AuthWebhookResult>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async ValueTask<AuthWebhookResult> Handle(ReceiveAuthWebhookCommand command, CancellationToken cancellationToken)
    {
        var outcome = StandardWebhookVerifier.Verify(
            options.Value.WebhookSecret, command.DeliveryId, command.Timestamp, command.Signature, command.Body, clock.GetUtcNow());
        if (outcome != StandardWebhookVerifier.Outcome.Valid)
        {
            throw new AppException(ErrorKind.Unauthorized, "WEBHOOK_SIGNATURE_INVALID", outcome switch
            {
                StandardWebhookVerifier.Outcome.StaleTimestamp => "The webhook timestamp is outside the five-minute window.",
                StandardWebhookVerifier.Outcome.Malformed => "The webhook-id, webhook-timestamp and webhook-signature headers are required.",
                _ => "The webhook signature does not match.",
            });
        }

        var change = Parse(command.Body);

        // Verified: from here the platform acts on its own behalf.
        currentUser.ActAsSystem();
        await db.RefreshUserContextAsync(cancellationToken);

        if (!await profiles.RecordDeliveryAsync(command.DeliveryId!, cancellationToken))
        {
            throw new AppException(ErrorKind.Conflict, "WEBHOOK_REPLAYED", "This webhook delivery was already received.");
        }

        AuthWebhookResult result;
        if (change.Type == "DELETE")
        {
            await profiles.DeactivateAsync(change.Record.Id, cancellationToken);
            result = new AuthWebhookResult(change.Record.Id, "deactivated");
        }
        else
        {
            var displayName = change.Record.UserMetadata?.DisplayName ?? change.Record.UserMetadata?.FullName ?? change.Record.Email!.Split('@')[0];
            await profiles.UpsertAsync(change.Record.Id, change.Record.Email!, displayName, cancellationToken);
            result = new AuthWebhookResult(change.Record.Id, "upserted");
        }

        await events.PublishAsync(
            new IdentityWebhookReceived(Guid.CreateVersion7(), clock.GetUtcNow(), command.DeliveryId!, result.UserId, result.Change), cancellationToken);
        return result;
    }

    private static UserChange Parse(string body)
    {
        UserChange? change;
        try
        {
            change = JsonSerializer.Deserialize<UserChange>(body, Json);
        }
        catch (JsonException)
        {
            change = null;
        }

        return change is { Type: "INSERT" or "UPDATE" or "DELETE", Record.Id: var id } && id != Guid.Empty
            && (change.Type == "DELETE" || !string.IsNullOrWhiteSpace(change.Record.Email))
            ? change
            : throw new AppException(ErrorKind.BadRequest, ErrorCodes.ValidationError,
                "Expected {type: INSERT|UPDATE|DELETE, record: {id, email}} for auth.users.", "record");
    }

    private sealed record UserChange(string Type, UserRecord Record);

    private sealed record UserRecord(
        Guid Id, string? Email, [property: JsonPropertyName("raw_user_meta_data")] UserMetadata? UserMetadata);

    private sealed record UserMetadata(
        [property: JsonPropertyName("display_name")] string? DisplayName, [property: JsonPropertyName("full_name")] string? FullName);
}
