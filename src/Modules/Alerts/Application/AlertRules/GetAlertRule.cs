using EvaraTech.Application.Errors;
using EvaraTech.Application.Paging;
using EvaraTech.Application.Security;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Alerts.Persistence;
using FluentValidation;
using Mediator;

namespace EvaraTech.Modules.Alerts.Application.AlertRules;

[RequiresPermission(Permissions.AlertsRead)]
public sealed record GetAlertRuleQuery(Guid Id) : IQuery<AlertRuleDto>;

/// <summary>The caller's rules, optionally of one node, a page at a time (<c>sort</c>: created_at, name, severity, metric).</summary>
[RequiresPermission(Permissions.AlertsRead)]
public sealed record ListAlertRulesQuery(PageRequest Paging, Guid? NodeId, string? Search, string? Sort) : IQuery<Page<AlertRuleDto>>;

public sealed class ListAlertRulesValidator : AbstractValidator<ListAlertRulesQuery>
{
    public ListAlertRulesValidator()
    {
        this.ValidPaging(q => q.Paging);
        this.ValidSort(q => q.Sort, [.. AlertRuleTable.Spec.SortColumns.Keys]);
    }
}

public sealed class GetAlertRuleHandler(ScopedTable<AlertRuleDto> rules, ICurrentUser user) : IQueryHandler<GetAlertRuleQuery, AlertRuleDto>
{
    public async ValueTask<AlertRuleDto> Handle(GetAlertRuleQuery query, CancellationToken cancellationToken) =>
        await rules.FindAsync(query.Id, user.Scope, cancellationToken) ?? throw AppException.NotFound(AlertRuleTable.Resource);
}

public sealed class ListAlertRulesHandler(ScopedTable<AlertRuleDto> rules, ICurrentUser user) : IQueryHandler<ListAlertRulesQuery, Page<AlertRuleDto>>
{
    public async ValueTask<Page<AlertRuleDto>> Handle(ListAlertRulesQuery query, CancellationToken cancellationToken) =>
        await rules.ListAsync(user.Scope, query.NodeId is null ? null : "t.node_id = @NodeId", new { query.NodeId }, query.Search, query.Sort,
            query.Paging, cancellationToken);
}
