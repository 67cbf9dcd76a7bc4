using System.Text.Json;
using System.Text.Json.Serialization;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Contracts;
using EvaraTech.Modules.Tenancy.Persistence;

namespace EvaraTech.Modules.Tenancy.Application.AuthWebhook;

/// <summary>
/// A signed delivery from the identity provider about one of its users (a Supabase database webhook on
/// <c>auth.users</c>, signed by the trigger in deploy/supabase/auth-users-webhook.sql). Anonymous by nature; the
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

        var result = new AuthWebhookResult(change.User!.Id, await ApplyAsync(change, cancellationToken));
        await events.PublishAsync(
            new IdentityWebhookReceived(Guid.CreateVersion7(), clock.GetUtcNow(), command.DeliveryId!, result.UserId, result.Change), cancellationToken);
        return result;
    }

    /// <summary>
    /// The platform owns activation and deletion: a change from the provider never reactivates a user an
    /// administrator deactivated, nor re-creates one that was deleted. It creates a profile for a new email identity
    /// (a sign-up, or an anonymous or phone-only user who just added an email), keeps email and name in step, and
    /// deactivates a user the provider deleted, soft-deleted or banned. Identities without an email cannot sign in
    /// here and are acknowledged without a profile.
    /// </summary>
    private async Task<string> ApplyAsync(UserChange change, CancellationToken cancellationToken)
    {
        var user = change.User!;
        if (change.Type == "DELETE" || user.IsBlocked(clock.GetUtcNow()))
        {
            await profiles.DeactivateAsync(user.Id, cancellationToken);
            return "deactivated";
        }

        if (!user.CanSignIn)
        {
            return "ignored";
        }

        var displayName = user.UserMetadata?.DisplayName ?? user.UserMetadata?.FullName ?? user.Email!.Split('@')[0];
        var isNewToThePlatform = change.Type == "INSERT" || change.OldRecord is not { CanSignIn: true };
        return isNewToThePlatform && await profiles.CreateAsync(user.Id, user.Email!, displayName, cancellationToken) ? "created"
            : await profiles.UpdateAsync(user.Id, user.Email!, displayName, cancellationToken) ? "updated" : "unchanged";
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

        return change is { Type: "INSERT" or "UPDATE" or "DELETE" } && change.User is { Id: var id } && id != Guid.Empty
            ? change
            : throw new AppException(ErrorKind.BadRequest, ErrorCodes.ValidationError,
                "Expected {type: INSERT|UPDATE|DELETE, record, old_record} for auth.users, the changed user carrying its id.", "record");
    }

    /// <summary>A Supabase database-webhook payload for <c>auth.users</c>; a DELETE carries only the old record.</summary>
    private sealed record UserChange(string Type, UserRecord? Record, [property: JsonPropertyName("old_record")] UserRecord? OldRecord)
    {
        [JsonIgnore]
        public UserRecord? User => Type == "DELETE" ? OldRecord ?? Record : Record;
    }

    private sealed record UserRecord(
        Guid Id,
        string? Email,
        [property: JsonPropertyName("is_anonymous")] bool? IsAnonymous,
        [property: JsonPropertyName("banned_until")] DateTimeOffset? BannedUntil,
        [property: JsonPropertyName("deleted_at")] DateTimeOffset? DeletedAt,
        [property: JsonPropertyName("raw_user_meta_data")] UserMetadata? UserMetadata)
    {
        public bool CanSignIn => !string.IsNullOrWhiteSpace(Email) && IsAnonymous != true;

        public bool IsBlocked(DateTimeOffset now) => DeletedAt is not null || BannedUntil > now;
    }

    private sealed record UserMetadata(
        [property: JsonPropertyName("display_name")] string? DisplayName, [property: JsonPropertyName("full_name")] string? FullName);
}
