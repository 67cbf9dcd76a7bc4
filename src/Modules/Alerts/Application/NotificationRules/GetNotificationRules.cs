using EvaraTech.Application.Errors;
using EvaraTech.Application.Paging;
using EvaraTech.Application.Security;
using EvaraTech.Modules.Alerts.Persistence;
using FluentValidation;
using Mediator;

namespace EvaraTech.Modules.Alerts.Application.NotificationRules;

[RequiresPermission(Permissions.AlertsRead)]
public sealed record GetNotificationRuleQuery(Guid Id) : IQuery<NotificationRuleDto>;

/// <summary>The caller's own rules, newest first (a superadmin too sees only their own).</summary>
[RequiresPermission(Permissions.AlertsRead)]
public sealed record ListNotificationRulesQuery(PageRequest Paging) : IQuery<Page<NotificationRuleDto>>;

public sealed class ListNotificationRulesValidator : AbstractValidator<ListNotificationRulesQuery>
{
    public ListNotificationRulesValidator() => this.ValidPaging(q => q.Paging);
}

public sealed class GetNotificationRuleHandler(NotificationRuleStore rules, ICurrentUser user) : IQueryHandler<GetNotificationRuleQuery, NotificationRuleDto>
{
    public async ValueTask<NotificationRuleDto> Handle(GetNotificationRuleQuery query, CancellationToken cancellationToken) =>
        await rules.FindAsync(query.Id, user.UserId!.Value, cancellationToken) ?? throw AppException.NotFound(NotificationRuleStore.Resource);
}

public sealed class ListNotificationRulesHandler(NotificationRuleStore rules, ICurrentUser user)
    : IQueryHandler<ListNotificationRulesQuery, Page<NotificationRuleDto>>
{
    public async ValueTask<Page<NotificationRuleDto>> Handle(ListNotificationRulesQuery query, CancellationToken cancellationToken) =>
        await rules.ListAsync(user.UserId!.Value, query.Paging, cancellationToken);
}
