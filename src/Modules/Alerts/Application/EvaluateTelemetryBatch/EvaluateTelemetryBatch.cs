using System.Diagnostics.Metrics;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Domain;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;

namespace EvaraTech.Modules.Alerts.Application.EvaluateTelemetryBatch;

/// <summary>
/// Evaluates a stored batch against the rules that apply to its node, in memory and in one transaction: the readings
/// the event carries (read back only for a batch too large to carry), each rule's
/// readings in time order from the state kept since the last batch, then raise or resolve through
/// <see cref="AlertLifecycle"/> (which decides races and cooldowns), the new states saved, <see cref="AlertRaised"/> and
/// <see cref="AlertResolved"/> published, the node's status following its critical alerts. Seeing the same batch
/// twice raises nothing twice.
/// </summary>
public sealed class EvaluateTelemetryBatchHandler(
    INodeAlertTargets directory, AlertRulesCache rules, RuleStates states, AlertLifecycle lifecycle, ITelemetryBatchReader reader,
    AlertsOnNode nodeAlerts, IIntegrationEventPublisher events, DbSession db, TimeProvider clock)
    : IIntegrationEventHandler<TelemetryBatchRecorded>
{
    private static readonly Counter<long> Raised = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.alerts.raised", description: "Alerts raised, per severity");

    public async Task HandleAsync(TelemetryBatchRecorded batch, CancellationToken cancellationToken)
    {
        // Most owners have few rules or none: a batch of a node without rules costs no database work here.
        var ownerRules = await rules.OfOwnerAsync(batch.OwnerDistributorId, db, cancellationToken);
        if (ownerRules.Count == 0)
        {
            return;
        }

        if (await directory.AlertTargetAsync(batch.NodeId, cancellationToken) is { } target
            && ownerRules.Where(r => r.AppliesTo(target)).Select(r => r.Rule).ToList() is { Count: > 0 } applicable)
        {
            var readings = batch.Readings ?? await reader.ReadAsync(batch.NodeId, batch.TelemetryType, batch.From, batch.To, cancellationToken);
            var before = await states.LoadAsync(batch.NodeId, [.. applicable.Select(r => r.Id)], cancellationToken);
            var after = new Dictionary<Guid, RuleState>();
            var published = new List<IIntegrationEvent>();
            foreach (var rule in applicable)
            {
                var values = readings.Where(r => r.Values.ContainsKey(rule.Metric)).Select(r => new MetricReading(r.At, r.Values[rule.Metric]));
                var (state, decisions) = RuleEvaluation.Evaluate(rule.Condition, rule.Duration, before[rule.Id], values);
                foreach (var decision in decisions)
                {
                    published.AddRange(await ApplyAsync(rule, target, decision, cancellationToken));
                }

                after[rule.Id] = state;
            }

            await states.SaveAsync(batch.NodeId, after, cancellationToken);
            await events.PublishAsync(published, cancellationToken);
            await nodeAlerts.FollowAsync(batch.NodeId, published, cancellationToken);
        }
    }

    private async Task<IEnumerable<IIntegrationEvent>> ApplyAsync(AlertRule rule, AlertTarget target, RuleDecision decision, CancellationToken ct)
    {
        var severity = rule.Severity.ToString().ToLowerInvariant();
        switch (decision)
        {
            case RaiseAlert raise when await lifecycle.RaiseAsync(rule.Id, target.NodeId, raise.Value, rule.Message(raise.Value), raise.At, ct) is { } raised:
                db.AfterCommit(() => Raised.Add(1, new KeyValuePair<string, object?>("severity", severity)));
                return [new AlertRaised(Guid.CreateVersion7(), clock.GetUtcNow(), raised, rule.Id, target.NodeId, target.OwnerDistributorId, severity,
                    rule.Metric, raise.Value, rule.Message(raise.Value), raise.At)];
            case ResolveAlert resolve when await lifecycle.ResolveAsync(rule.Id, target.NodeId, resolve.At, null, ct) is { } resolved:
                return [new AlertResolved(Guid.CreateVersion7(), clock.GetUtcNow(), resolved, rule.Id, target.NodeId, target.OwnerDistributorId, severity,
                    resolve.At, "auto")];
            default:
                return [];
        }
    }
}
