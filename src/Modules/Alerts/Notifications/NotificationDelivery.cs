using System.Diagnostics.Metrics;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Tenancy.Contracts;
using Hangfire;

namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>
/// The Hangfire job that sends one delivery. It holds the delivery's row lock while sending, so a second job for the
/// same delivery (a re-queue of a stalled one) skips it; a delivery that is no longer pending is never sent again.
/// A failure records the attempt and its error and schedules the next try after the configured backoff; once the
/// attempts are used up the delivery is failed. Delivery is at least once: a server killed after the receiver had a
/// request and before its attempt committed leaves the delivery pending, and it is sent again under the same
/// idempotency key.
/// </summary>
public sealed class NotificationDelivery(
    IServiceScopeFactory scopes, NotificationSender sender, IBackgroundJobClient jobs, IOptions<NotificationOptions> options,
    ILogger<NotificationDelivery> logger)
{
    private const string Pending = "pending";

    private static readonly Counter<long> Attempts = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.notifications.deliveries", description: "Delivery attempts per channel and outcome: sent, retrying (failed, tried again later), failed (given up)");

    /// <summary>An attempt, once begun, is not cut off by the server's shutdown (see <see cref="DeliverAsync"/>).</summary>
    private static readonly CancellationToken RunsToItsEnd = CancellationToken.None;

    /// <summary>Queues the deliveries' jobs (after the transaction that inserted them has committed).</summary>
    public static void Enqueue(IBackgroundJobClient jobs, IEnumerable<Guid> deliveryIds)
    {
        foreach (var id in deliveryIds)
        {
            jobs.Enqueue<NotificationDelivery>(job => job.DeliverAsync(id, CancellationToken.None));
        }
    }

    /// <param name="cancellationToken">the server's shutdown: a delivery not yet begun is left for another server. One
    /// begun runs to its end (the channel's timeout bounds it): cut off after the receiver had it, it would be sent again.</param>
    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverAsync(Guid deliveryId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await AttemptAsync(deliveryId);
    }

    private Task<bool> AttemptAsync(Guid deliveryId) =>
        scopes.RunAsync(async services =>
        {
            var deliveries = services.GetRequiredService<NotificationDeliveries>();
            if (await deliveries.ClaimAsync(deliveryId, RunsToItsEnd) is not { Status: Pending } delivery)
            {
                return false;
            }

            var error = await SendAsync(services, delivery);
            var attempts = delivery.Attempts + 1;
            var status = error is null ? "sent" : attempts >= options.Value.MaxAttempts || error.Final ? "failed" : Pending;
            await deliveries.RecordAttemptAsync(delivery.Id, status, error?.Message, RunsToItsEnd);
            var db = services.GetRequiredService<DbSession>();
            // pending here is an attempt that failed and will be retried.
            db.AfterCommit(() => Attempts.Add(1, new KeyValuePair<string, object?>("channel", delivery.Channel),
                new KeyValuePair<string, object?>("status", status == Pending ? "retrying" : status)));
            if (status == Pending)
            {
                // Scheduled once the attempt is committed: a retry that ran sooner would find the row still locked and skip it.
                var delay = TimeSpan.FromSeconds(options.Value.RetryDelays[attempts - 1]);
                db.AfterCommit(() => jobs.Schedule<NotificationDelivery>(job => job.DeliverAsync(deliveryId, CancellationToken.None), delay));
            }

            return true;
        }, RunsToItsEnd);

    /// <returns>null when sent; otherwise why not, and whether retrying is pointless</returns>
    private async Task<Failure?> SendAsync(IServiceProvider services, PendingDelivery delivery)
    {
        var rule = delivery.RuleId is { } ruleId ? await services.GetRequiredService<NotificationRuleStore>().StoredAsync(ruleId, RunsToItsEnd) : null;
        var channel = rule?.Channels.ElementAtOrDefault(delivery.ChannelIndex);
        if (channel is null || channel.Type != delivery.Channel)
        {
            return new Failure("The notification rule or its channel was removed.", Final: true);
        }

        var recipient = (await services.GetRequiredService<ITenantDirectory>().RecipientsAsync([delivery.UserId], RunsToItsEnd)).SingleOrDefault();
        var alert = await services.GetRequiredService<AlertHistory>().FindAsync(delivery.AlertId, RunsToItsEnd);
        if (recipient is null || alert is null)
        {
            return new Failure("The user is no longer active, or the alert is gone.", Final: true);
        }

        try
        {
            await sender.SendAsync(channel, recipient.Email, new AlertNotice(delivery.Id, delivery.IdempotencyKey, delivery.RepeatNumber, alert), RunsToItsEnd);
            return null;
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Delivery {DeliveryId} on {Channel} failed (attempt {Attempt})", delivery.Id, delivery.Channel, delivery.Attempts + 1);
            return new Failure(ex.Message, Final: false);
        }
    }

    private sealed record Failure(string Message, bool Final);
}
