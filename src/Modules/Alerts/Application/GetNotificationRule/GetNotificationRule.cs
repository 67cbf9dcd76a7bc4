using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.GetNotificationRule;

[RequiresPermission(Permissions.AlertsRead)]
public sealed record GetNotificationRuleQuery(Guid Id) : IQuery<NotificationRuleDto>;

public sealed class GetNotificationRuleHandler(NotificationRuleStore rules, ICurrentUser user) : IQueryHandler<GetNotificationRuleQuery, NotificationRuleDto>
{
    public async ValueTask<NotificationRuleDto> Handle(GetNotificationRuleQuery query, CancellationToken cancellationToken) =>
        await rules.FindAsync(query.Id, user.UserId!.Value, cancellationToken) ?? throw AppException.NotFound(NotificationRuleStore.Resource);
}
