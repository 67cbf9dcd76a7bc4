using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;

namespace EvaraTech.Modules.Alerts.Application.BacktestAlertRule;

/// <summary>
/// What a rule, saved or not, would have raised over the last <see cref="Days"/> days of its nodes' stored readings.
/// A read: nothing is stored, raised or notified.
/// </summary>
[RequiresPermission(Permissions.AlertsWrite)]
public sealed record BacktestAlertRuleQuery(AlertRuleInput Rule, int? Days) : IQuery<BacktestResult>;

/// <summary>One alert the rule would have raised on a node.</summary>
public sealed record BacktestAlert(Guid NodeId, DateTimeOffset BreachSince, DateTimeOffset RaisedAt, double Value, DateTimeOffset? ResolvedAt,
    double? ResolvedValue, string Message);

/// <param name="Nodes">how many nodes were replayed (a selector's, up to <see cref="BacktestAlertRuleHandler.MaxNodes"/>)</param>
/// <param name="Readings">how many readings of the metric were replayed</param>
/// <param name="Raised">how many alerts the rule would have raised</param>
/// <param name="Alerts">those alerts, newest first, up to <see cref="BacktestAlertRuleHandler.MaxAlerts"/></param>
/// <param name="Truncated">more nodes matched, or more alerts were raised, than are shown</param>
public sealed record BacktestResult(DateTimeOffset From, DateTimeOffset To, int Nodes, int Readings, int Raised, IReadOnlyList<BacktestAlert> Alerts,
    bool Truncated);

public sealed class BacktestAlertRuleValidator : AbstractValidator<BacktestAlertRuleQuery>
{
    public const int MaxDays = 30;

    public BacktestAlertRuleValidator()
    {
        RuleFor(q => q.Rule).NotNull().SetValidator(new AlertRuleInputValidator()).OverridePropertyName("");
        RuleFor(q => q.Days).InclusiveBetween(1, MaxDays).WithName("days");
    }
}

/// <remarks>
/// The target is resolved as saving the rule would resolve it (scope, metric), each node's readings of the metric are
/// read from its raw table, and <see cref="RuleReplay"/> plays them with live evaluation's code.
/// </remarks>
public sealed class BacktestAlertRuleHandler(RuleTargets targets, INodeLookup nodes, INodeAlertTargets directory, ITelemetryBatchReader telemetry,
    ICurrentUser user, TimeProvider clock) : IQueryHandler<BacktestAlertRuleQuery, BacktestResult>
{
    public const int MaxNodes = 100;
    public const int MaxAlerts = 500;
    public const int DefaultDays = 7;

    public async ValueTask<BacktestResult> Handle(BacktestAlertRuleQuery query, CancellationToken cancellationToken)
    {
        var input = query.Rule;
        var owner = await targets.OwnerAsync(input, cancellationToken);
        var to = clock.GetUtcNow();
        var from = to.AddDays(-(query.Days ?? DefaultDays));
        var (covered, more) = await NodesAsync(input, owner, cancellationToken);

        var rule = new AlertRule(Guid.Empty, input.Name!, input.Metric!, input.Condition(), TimeSpan.FromSeconds(input.DurationSeconds ?? 0),
            Enum.Parse<AlertSeverity>(input.Severity!, ignoreCase: true));
        var cooldown = TimeSpan.FromMinutes(input.CooldownMinutes ?? AlertRuleValues.DefaultCooldownMinutes);
        var alerts = new List<BacktestAlert>();
        var readings = 0;
        foreach (var node in covered)
        {
            var values = await telemetry.ReadMetricAsync(node.NodeId, node.AnalyticsType, rule.Metric, from, to, cancellationToken);
            readings += values.Count;
            alerts.AddRange(RuleReplay.Play(rule.Condition, rule.Duration, cooldown, values.Select(v => new MetricReading(v.At, v.Value)))
                .Select(a => new BacktestAlert(node.NodeId, a.BreachSince, a.RaisedAt, a.Value, a.ResolvedAt, a.ResolvedValue, rule.Message(a.Value))));
        }

        return new BacktestResult(from, to, covered.Count, readings, alerts.Count,
            [.. alerts.OrderByDescending(a => a.RaisedAt).Take(MaxAlerts)], more || alerts.Count > MaxAlerts);
    }

    /// <returns>the nodes the rule covers in the caller's scope (a selector's up to <see cref="MaxNodes"/>), and whether more matched</returns>
    private async Task<(IReadOnlyList<AlertTarget> Nodes, bool More)> NodesAsync(AlertRuleInput input, Guid owner, CancellationToken ct)
    {
        if (input.NodeId is { } nodeId)
        {
            return (await directory.AlertTargetAsync(nodeId, ct) is { } target ? [target] : [], false);
        }

        var selector = input.Selector!;
        var targeted = new TargetedRule(null!, null, selector.TagId, selector.CommunityId, selector.AnalyticsType);
        var candidates = (await nodes.ListAsync(user.Scope, selector.CommunityId, ct)).Select((node, index) => (node.Id, index)).ToDictionary();
        var matched = (await directory.AlertTargetsAsync(candidates.Keys, ct))
            .Where(t => t.OwnerDistributorId == owner && targeted.AppliesTo(t)).OrderBy(t => candidates[t.NodeId]).ToList();
        return ([.. matched.Take(MaxNodes)], matched.Count > MaxNodes);
    }
}
