using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Nodes;
using EvaraTech.Application.Tenants;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Alerts.Notifications;
using EvaraTech.Modules.Alerts.Persistence;
using Hangfire;

namespace EvaraTech.Modules.Alerts.Application.QueueNotifications;

/// <summary>
/// Decides who is told of a raised alert and queues the deliveries: every enabled rule the alert's severity reaches,
/// of an active user who can see the node, whose node list (if any) holds it; one delivery per channel. The
/// deliveries' idempotency keys make a replayed event queue nothing twice; their jobs start once this commits.
/// </summary>
public sealed class QueueAlertNotificationsHandler(
    NotificationRuleStore rules, NotificationDeliveries deliveries, ITenantDirectory tenants, INodeDirectory nodes, IBackgroundJobClient jobs, DbSession db)
    : IIntegrationEventHandler<AlertRaised>
{
    public async Task HandleAsync(AlertRaised raised, CancellationToken cancellationToken)
    {
        await db.BeginAsync(cancellationToken);
        var reached = (await rules.ReachedByAsync(raised.Severity, cancellationToken))
            .Where(r => r.NodeIds is null || r.NodeIds.Contains(raised.NodeId))
            .ToList();
        var recipients = (await tenants.RecipientsAsync([.. reached.Select(r => r.UserId).Distinct()], cancellationToken)).ToDictionary(r => r.UserId);
        var sees = new Dictionary<TenantScope, bool>();
        var queued = new List<QueuedDelivery>();
        foreach (var rule in reached)
        {
            if (!recipients.TryGetValue(rule.UserId, out var recipient))
            {
                continue;
            }

            if (!sees.TryGetValue(recipient.Scope, out var visible))
            {
                visible = sees[recipient.Scope] = await nodes.FindAsync(raised.NodeId, recipient.Scope, cancellationToken) is not null;
            }

            if (visible)
            {
                queued.AddRange(rule.Channels.Select((channel, i) => new QueuedDelivery(raised.AlertId, rule.UserId, rule.Id, i, channel.Type, 0)));
            }
        }

        var ids = await deliveries.QueueAsync(queued, cancellationToken);
        db.AfterCommit(() =>
        {
            NotificationDelivery.Enqueue(jobs, ids);
            return Task.CompletedTask;
        });
        await db.CommitAsync(cancellationToken);
    }
}
