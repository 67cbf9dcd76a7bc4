using EvaraTech.Application.Behaviours;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Alerts.Application;

/// <summary>Which nodes a selector rule covers: every part given must match, so nodes added later are covered too.</summary>
public sealed record RuleSelector(Guid? TagId, Guid? CommunityId, string? AnalyticsType);

/// <summary>
/// A rule as the client writes it (create and replace): one node or a selector, the metric and condition, how long a
/// breach must hold, its severity and cooldown. A superadmin names the owning distributor of a selector rule; a node
/// rule belongs to the node's distributor, a distributor user's rule to their own.
/// </summary>
public sealed record AlertRuleInput(
    string? Name, Guid? NodeId, RuleSelector? Selector, string? Metric, string? Operator, double? Threshold, double? UpperThreshold,
    double? ClearThreshold, int? DurationSeconds, string? Severity, int? CooldownMinutes, bool? IsEnabled, Guid? DistributorId)
{
    public const int MaxDurationSeconds = 86_400;
    public const int MaxCooldownMinutes = 10_080;

    public static readonly IReadOnlyList<string> AnalyticsTypes = ["EvaraTank", "EvaraFlow", "EvaraDeep"];

    public AlertCondition Condition() => new(AlertRule.Operators[Operator!], Threshold!.Value, UpperThreshold, ClearThreshold);
}

/// <summary>The shape of a rule (400/422 before any database work); the target and metric are checked by <see cref="RuleTargets"/>.</summary>
public sealed class AlertRuleInputValidator : AbstractValidator<AlertRuleInput>
{
    public AlertRuleInputValidator()
    {
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Metric).NotEmpty().MaximumLength(100);
        RuleFor(r => r.Operator).NotEmpty().Must(o => o is null || AlertRule.Operators.ContainsKey(o))
            .WithMessage($"operator is one of {string.Join(", ", AlertRule.Operators.Keys)}.");
        RuleFor(r => r.Threshold).NotNull().Must(v => v is null || double.IsFinite(v.Value)).WithMessage("threshold is a finite number.");
        RuleFor(r => r.UpperThreshold).Must(v => v is null || double.IsFinite(v.Value)).WithMessage("upperThreshold is a finite number.");
        RuleFor(r => r.ClearThreshold).Must(v => v is null || double.IsFinite(v.Value)).WithMessage("clearThreshold is a finite number.");
        RuleFor(r => r.DurationSeconds).InclusiveBetween(0, AlertRuleInput.MaxDurationSeconds);
        RuleFor(r => r.CooldownMinutes).InclusiveBetween(0, AlertRuleInput.MaxCooldownMinutes);
        RuleFor(r => r.Severity).NotEmpty().Must(s => s is null || Severities.All.Contains(s))
            .WithMessage($"severity is one of {string.Join(", ", Severities.All)}.");
        RuleFor(r => r)
            .Must(r => (r.NodeId is not null) != (r.Selector is { } s && (s.TagId is not null || s.CommunityId is not null || s.AnalyticsType is not null)))
            .WithMessage("A rule targets either one node (nodeId) or a selector with at least one of tagId, communityId, analyticsType.")
            .Unprocessable().OverridePropertyName("nodeId");
        RuleFor(r => r.Selector!.AnalyticsType).Must(t => t is null || AlertRuleInput.AnalyticsTypes.Contains(t))
            .WithMessage($"selector.analyticsType is one of {string.Join(", ", AlertRuleInput.AnalyticsTypes)}.")
            .OverridePropertyName("selector.analyticsType").When(r => r.Selector is not null);
        // The condition's own consistency, reported under the threshold that breaks it.
        RuleFor(r => r)
            .Must(r => r.Condition().Problem() is null).WithMessage(r => r.Condition().Problem() ?? "")
            .Unprocessable().OverridePropertyName("upperThreshold").When(r => HasCondition(r) && BandIsWrong(r));
        RuleFor(r => r)
            .Must(r => r.Condition().Problem() is null).WithMessage(r => r.Condition().Problem() ?? "")
            .Unprocessable().OverridePropertyName("clearThreshold").When(r => HasCondition(r) && !BandIsWrong(r));
    }

    private static bool HasCondition(AlertRuleInput r) =>
        r.Operator is not null && AlertRule.Operators.ContainsKey(r.Operator) && r.Threshold is { } t && double.IsFinite(t)
        && double.IsFinite(r.UpperThreshold ?? 0) && double.IsFinite(r.ClearThreshold ?? 0);

    /// <summary>An upper bound where there should be none, none where there should be one, or one not above the lower.</summary>
    private static bool BandIsWrong(AlertRuleInput r) =>
        (r.Operator == "outside") != (r.UpperThreshold is not null) || (r.Operator == "outside" && r.UpperThreshold <= r.Threshold);
}

/// <summary>
/// Resolves a rule's target under the caller's scope: the node (its distributor owns the rule) or the selector's
/// owner and community, and checks the metric is one the targeted nodes report. Outside the scope is not found.
/// </summary>
public sealed class RuleTargets(INodeLookup nodes, ITenantDirectory tenants, ITelemetryBatchReader telemetry, ICurrentUser user)
{
    /// <returns>the distributor that owns the rule</returns>
    public async Task<Guid> OwnerAsync(AlertRuleInput input, CancellationToken ct)
    {
        if (input.NodeId is { } nodeId)
        {
            var node = await nodes.FindAsync(nodeId, user.Scope, ct)
                ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Node was not found.", "nodeId");
            EnsureMetric(input.Metric!, telemetry.MetricsOf(node.AnalyticsType), node.AnalyticsType);
            return node.OwnerDistributorId;
        }

        var owner = await SelectorOwnerAsync(input.DistributorId, ct);
        var selector = input.Selector!;
        if (selector.CommunityId is { } communityId
            && (await tenants.FindAsync(TenantType.Community, communityId, user.Scope, ct))?.DistributorId != owner)
        {
            throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Community was not found.", "selector.communityId");
        }

        if (selector.TagId is { } tagId && !await nodes.TagInScopeAsync(tagId, user.Scope, ct))
        {
            throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Tag was not found.", "selector.tagId");
        }

        var types = selector.AnalyticsType is { } type ? [type] : AlertRuleInput.AnalyticsTypes;
        EnsureMetric(input.Metric!, types.SelectMany(telemetry.MetricsOf).ToHashSet(StringComparer.Ordinal), selector.AnalyticsType ?? "any");
        return owner;
    }

    private async Task<Guid> SelectorOwnerAsync(Guid? distributorId, CancellationToken ct)
    {
        if (user.Scope.Kind == ScopeKind.Distributor)
        {
            return user.Scope.DistributorId!.Value;
        }

        if (distributorId is not { } requested)
        {
            throw new AppException(ErrorKind.BadRequest, ErrorCodes.ValidationError, "A selector rule names its distributor (distributorId).", "distributorId");
        }

        return await tenants.FindAsync(TenantType.Distributor, requested, user.Scope, ct) is not null
            ? requested
            : throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, "Distributor was not found.", "distributorId");
    }

    private static void EnsureMetric(string metric, IReadOnlySet<string> known, string type)
    {
        if (!known.Contains(metric))
        {
            throw new AppException(ErrorKind.Unprocessable, ErrorCodes.ValidationError,
                $"{type} nodes report no metric '{metric}'; one of: {string.Join(", ", known.Order(StringComparer.Ordinal))}.", "metric");
        }
    }
}
