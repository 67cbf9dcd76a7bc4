using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.UpdateNotificationRule;

/// <summary>Replaces one of the caller's rules at the version they read (If-Match); another user's rule is not found.</summary>
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
        return await rules.UpdateAsync(command.Id, userId, command.ExpectedVersion, await values.OfAsync(command.Rule, cancellationToken), cancellationToken);
    }
}
