using EvaraTech.Modules.Alerts.Contracts;
using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Tenancy.Contracts;
using Hangfire;

namespace EvaraTech.Modules.Alerts.Application.QueueNotifications;

/// <summary>
/// Decides who is told of a raised alert and queues the deliveries: the active users who can see the node (from its
/// ownership path: superadmins, its distributor's users, its customer's users), then their enabled rules that the
/// alert's severity reaches and whose node filter covers the node (its id, category, community, tags); one delivery
/// per channel. Both look-ups are
/// indexed and independent of how many users the platform has. The deliveries' idempotency keys make a replayed event
/// queue nothing twice; their jobs start once this commits.
/// </summary>
public sealed class QueueAlertNotificationsHandler(
    NotificationRuleStore rules, NotificationDeliveries deliveries, ITenantDirectory tenants, INodeAudiences nodes, INodeAlertTargets targets,
    IBackgroundJobClient jobs, DbSession db)
    : IIntegrationEventHandler<AlertRaised>
{
    public async Task HandleAsync(AlertRaised raised, CancellationToken cancellationToken)
    {
        var queued = new List<QueuedDelivery>();
        if ((await nodes.AudiencesAsync([raised.NodeId], cancellationToken)).SingleOrDefault() is { } node
            && await targets.AlertTargetAsync(raised.NodeId, cancellationToken) is { } target)
        {
            var audience = await tenants.AudienceAsync(node.DistributorId, node.CustomerId, cancellationToken);
            var reached = await rules.ReachedByAsync(raised.Severity, [.. audience.Select(u => u.UserId)], cancellationToken);
            queued.AddRange(reached.Where(r => r.Filter.Covers(target.NodeId, target.Category, target.CommunityId, target.TagIds))
                .SelectMany(rule => rule.Channels.Select((channel, i) => new QueuedDelivery(raised.AlertId, rule.UserId, rule.Id, i, channel.Type, 0))));
        }

        var ids = await deliveries.QueueAsync(queued, cancellationToken);
        db.AfterCommit(() => NotificationDelivery.Enqueue(jobs, ids));
    }
}
