using EvaraTech.Infrastructure.Caching;
using EvaraTech.Modules.Alerts.Persistence;

namespace EvaraTech.Modules.Alerts.Application.GetAlertRule;

[RequiresPermission(Permissions.AlertsRead)]
public sealed record GetAlertRuleQuery(Guid Id) : IQuery<AlertRuleDto>;

/// <summary>Cached per rule and scope; a rule outside the scope is a 404, never cached.</summary>
public sealed class GetAlertRuleHandler(ScopedTable<AlertRuleDto> rules, ReadCache cache, CacheUsage usage, ICurrentUser user)
    : IQueryHandler<GetAlertRuleQuery, AlertRuleDto>
{
    public async ValueTask<AlertRuleDto> Handle(GetAlertRuleQuery query, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(AlertRulesCache.ApiRegion, $"{query.Id}|{user.Scope}", async ct =>
            await rules.FindAsync(query.Id, user.Scope, ct) ?? throw AppException.NotFound(AlertRuleTable.Resource), usage, cancellationToken);
}
