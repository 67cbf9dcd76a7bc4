using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Tenancy.Contracts;
using Hangfire;

namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>
/// The Hangfire job that sends one delivery. It holds the delivery's row lock while sending, so a second job for the
/// same delivery (a re-queue of a stalled one) skips it; a delivery that is no longer pending is never sent again.
/// A failure records the attempt and its error and schedules the next try after the configured backoff; once the
/// attempts are used up the delivery is failed.
/// </summary>
public sealed class NotificationDelivery(
    IServiceScopeFactory scopes, NotificationSender sender, IBackgroundJobClient jobs, IOptions<NotificationOptions> options,
    ILogger<NotificationDelivery> logger)
{
    private const string Pending = "pending";

    /// <summary>Queues the deliveries' jobs (after the transaction that inserted them has committed).</summary>
    public static void Enqueue(IBackgroundJobClient jobs, IEnumerable<Guid> deliveryIds)
    {
        foreach (var id in deliveryIds)
        {
            jobs.Enqueue<NotificationDelivery>(job => job.DeliverAsync(id, CancellationToken.None));
        }
    }

    [AutomaticRetry(Attempts = 0)]
    public async Task DeliverAsync(Guid deliveryId, CancellationToken cancellationToken) =>
        await scopes.RunAsync(async services =>
        {
            var deliveries = services.GetRequiredService<NotificationDeliveries>();
            if (await deliveries.ClaimAsync(deliveryId, cancellationToken) is not { Status: Pending } delivery)
            {
                return false;
            }

            var error = await SendAsync(services, delivery, cancellationToken);
            var attempts = delivery.Attempts + 1;
            var status = error is null ? "sent" : attempts >= options.Value.MaxAttempts || error.Final ? "failed" : Pending;
            await deliveries.RecordAttemptAsync(delivery.Id, status, error?.Message, cancellationToken);
            if (status == Pending)
            {
                // Scheduled once the attempt is committed: a retry that ran sooner would find the row still locked and skip it.
                var delay = TimeSpan.FromSeconds(options.Value.RetryDelays[attempts - 1]);
                services.GetRequiredService<DbSession>().AfterCommit(() =>
                {
                    jobs.Schedule<NotificationDelivery>(job => job.DeliverAsync(deliveryId, CancellationToken.None), delay);
                    return Task.CompletedTask;
                });
            }

            return true;
        }, cancellationToken);

    /// <returns>null when sent; otherwise why not, and whether retrying is pointless</returns>
    private async Task<Failure?> SendAsync(IServiceProvider services, PendingDelivery delivery, CancellationToken ct)
    {
        var rule = delivery.RuleId is { } ruleId ? await services.GetRequiredService<NotificationRuleStore>().StoredAsync(ruleId, ct) : null;
        var channel = rule?.Channels.ElementAtOrDefault(delivery.ChannelIndex);
        if (channel is null || channel.Type != delivery.Channel)
        {
            return new Failure("The notification rule or its channel was removed.", Final: true);
        }

        var recipient = (await services.GetRequiredService<ITenantDirectory>().RecipientsAsync([delivery.UserId], ct)).SingleOrDefault();
        var alert = await services.GetRequiredService<AlertHistory>().FindAsync(delivery.AlertId, ct);
        if (recipient is null || alert is null)
        {
            return new Failure("The user is no longer active, or the alert is gone.", Final: true);
        }

        try
        {
            await sender.SendAsync(channel, recipient.Email, new AlertNotice(delivery.Id, delivery.IdempotencyKey, delivery.RepeatNumber, alert), ct);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Delivery {DeliveryId} on {Channel} failed (attempt {Attempt})", delivery.Id, delivery.Channel, delivery.Attempts + 1);
            return new Failure(ex.Message, Final: false);
        }
    }

    private sealed record Failure(string Message, bool Final);
}
