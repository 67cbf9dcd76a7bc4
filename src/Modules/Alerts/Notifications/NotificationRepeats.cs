using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Modules.Alerts.Persistence;
using Hangfire;

namespace EvaraTech.Modules.Alerts.Notifications;

/// <summary>
/// Every minute: queues the repeat deliveries that are due (an open, unacknowledged alert is told again once each
/// rule's repeat interval has passed, Alertmanager's <c>repeat_interval</c>; never on every evaluation), and queues
/// again the pending deliveries whose job was lost.
/// </summary>
[OneAtATime]
public sealed class NotificationRepeats(IServiceScopeFactory scopes, IBackgroundJobClient jobs, IOptions<NotificationOptions> options, TimeProvider clock) : IRecurringJob
{
    public const string JobId = "alerts-notification-repeats";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<NotificationRepeats>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    /// <returns>how many deliveries were queued</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var (repeats, stalled) = await scopes.RunAsync(async services =>
        {
            var deliveries = services.GetRequiredService<NotificationDeliveries>();
            var queued = await deliveries.QueueAsync(await deliveries.DueRepeatsAsync(now, cancellationToken), cancellationToken);
            var lost = await deliveries.StalledAsync(now.AddMinutes(-options.Value.StalledAfterMinutes),
                now.AddSeconds(-options.Value.UnattemptedAfterSeconds), cancellationToken);
            return (queued, lost);
        }, cancellationToken);

        NotificationDelivery.Enqueue(jobs, [.. repeats, .. stalled]);
        return repeats.Count + stalled.Count;
    }
}
