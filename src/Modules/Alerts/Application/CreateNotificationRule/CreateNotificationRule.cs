using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.CreateNotificationRule;

/// <summary>The caller subscribes to alerts; they are told only of alerts of nodes they can see.</summary>
[RequiresPermission(Permissions.AlertsRead)]
[Audited(AuditAction.Create, "notification_rule")]
public sealed record CreateNotificationRuleCommand(NotificationRuleInput Rule) : ICommand<NotificationRuleDto>;

public sealed class CreateNotificationRuleValidator : AbstractValidator<CreateNotificationRuleCommand>
{
    public CreateNotificationRuleValidator() =>
        RuleFor(c => c.Rule).NotNull().SetValidator(new NotificationRuleInputValidator()).OverridePropertyName("");
}

public sealed class CreateNotificationRuleHandler(NotificationRuleStore rules, NotificationRuleValues values, ICurrentUser user)
    : ICommandHandler<CreateNotificationRuleCommand, NotificationRuleDto>
{
    public async ValueTask<NotificationRuleDto> Handle(CreateNotificationRuleCommand command, CancellationToken cancellationToken) =>
        await rules.InsertAsync(user.UserId!.Value, await values.OfAsync(command.Rule, cancellationToken), cancellationToken);
}
