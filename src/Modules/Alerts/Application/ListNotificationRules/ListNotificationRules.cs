using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.ListNotificationRules;

/// <summary>The caller's own rules, newest first (a superadmin too sees only their own).</summary>
[RequiresPermission(Permissions.AlertsRead)]
public sealed record ListNotificationRulesQuery(PageRequest Paging) : IQuery<Page<NotificationRuleDto>>;

public sealed class ListNotificationRulesValidator : AbstractValidator<ListNotificationRulesQuery>
{
    public ListNotificationRulesValidator() => this.ValidPaging(q => q.Paging);
}

public sealed class ListNotificationRulesHandler(NotificationRuleStore rules, ICurrentUser user)
    : IQueryHandler<ListNotificationRulesQuery, Page<NotificationRuleDto>>
{
    public async ValueTask<Page<NotificationRuleDto>> Handle(ListNotificationRulesQuery query, CancellationToken cancellationToken) =>
        await rules.ListAsync(user.UserId!.Value, query.Paging, cancellationToken);
}
