using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.UpdateNotificationRule;

/// <summary>
/// Replaces one of the caller's rules at the version they read (If-Match); another user's rule is not found. A webhook
/// sent without a secret keeps the secret stored for the same url (the secret is never shown, so a form cannot send it back).
/// </summary>
[RequiresPermission(Permissions.AlertsRead)]
[Audited(AuditAction.Update, "notification_rule")]
public sealed record UpdateNotificationRuleCommand(Guid Id, long ExpectedVersion, NotificationRuleInput Rule) : ICommand<NotificationRuleDto>;

public sealed class UpdateNotificationRuleValidator : AbstractValidator<UpdateNotificationRuleCommand>
{
    public UpdateNotificationRuleValidator() =>
        RuleFor(c => c.Rule).NotNull().SetValidator(new NotificationRuleInputValidator()).OverridePropertyName("");
}

public sealed class UpdateNotificationRuleHandler(NotificationRuleStore rules, NotificationRuleValues values, ICurrentUser user, AuditContext audit)
    : ICommandHandler<UpdateNotificationRuleCommand, NotificationRuleDto>
{
    public async ValueTask<NotificationRuleDto> Handle(UpdateNotificationRuleCommand command, CancellationToken cancellationToken)
    {
        var userId = user.UserId!.Value;
        audit.Changing(await rules.FindAsync(command.Id, userId, cancellationToken) ?? throw AppException.NotFound(NotificationRuleStore.Resource));
        var stored = (await rules.StoredAsync(command.Id, cancellationToken))?.Channels.OfType<WebhookChannel>().ToList() ?? [];
        var rule = command.Rule with
        {
            Channels = command.Rule.Channels?.Select(c => c is { Type: WebhookChannel.Kind, Secret: null or "" }
                && stored.FirstOrDefault(s => SameUrl(s.Url, c.Url)) is { } kept ? c with { Secret = kept.Secret } : c).ToList(),
        };
        return await rules.UpdateAsync(command.Id, userId, command.ExpectedVersion, await values.OfAsync(rule, cancellationToken), cancellationToken);
    }

    /// <summary>The stored url is kept as <see cref="Uri"/> writes it; the form sends it back as typed or as shown.</summary>
    private static bool SameUrl(string stored, string? given) =>
        given == stored || (Uri.TryCreate(given, UriKind.Absolute, out var uri) && uri.ToString() == stored);
}
