using EvaraTech.Infrastructure.Caching;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.ListAlertRules;

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

/// <summary>Cached per scope and query.</summary>
public sealed class ListAlertRulesHandler(ScopedTable<AlertRuleDto> rules, ReadCache cache, CacheUsage usage, ICurrentUser user)
    : IQueryHandler<ListAlertRulesQuery, Page<AlertRuleDto>>
{
    public async ValueTask<Page<AlertRuleDto>> Handle(ListAlertRulesQuery query, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(AlertRulesCache.ApiRegion,
            string.Join('|', user.Scope, query.NodeId, query.Search, query.Sort, query.Paging.Page, query.Paging.Limit),
            ct => rules.ListAsync(user.Scope, query.NodeId is null ? null : "t.node_id = @NodeId", new { query.NodeId }, query.Search, query.Sort,
                query.Paging, ct), usage, cancellationToken);
}
