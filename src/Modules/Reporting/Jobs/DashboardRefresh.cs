using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Modules.Reporting.Contracts;
using EvaraTech.Modules.Reporting.Persistence;
using Hangfire;

namespace EvaraTech.Modules.Reporting.Jobs;

/// <summary>
/// Refreshes the dashboard view (every minute, and soon after a burst of status changes and alerts), then publishes
/// <see cref="DashboardStatsRefreshed"/> so live dashboards fetch their figures again.
/// </summary>
[OneAtATime]
public sealed class DashboardRefresh(IConfiguration configuration, IServiceScopeFactory scopes, TimeProvider clock) : IRecurringJob
{
    public const string JobId = "reporting-dashboard-refresh";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<DashboardRefresh>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    public async Task<DateTimeOffset> RunAsync(CancellationToken cancellationToken)
    {
        var refreshedAt = await DashboardStatsView.RefreshAsync(ConnectionStrings.Migrations(configuration), cancellationToken);
        await scopes.RunAsync(async services =>
        {
            await services.GetRequiredService<IIntegrationEventPublisher>()
                .PublishAsync(new DashboardStatsRefreshed(Guid.CreateVersion7(), clock.GetUtcNow(), refreshedAt), cancellationToken);
            return true;
        }, cancellationToken);
        return refreshedAt;
    }
}

/// <summary>
/// Asks for a dashboard refresh soon after changes the figures show (a node's status, an alert), at most one per
/// <see cref="Debounce"/> per instance: a burst of a thousand changes costs one refresh, not a thousand. A change that
/// comes while a refresh is still to run is left to it; one that comes after gets a refresh of its own, a debounce
/// after the last. (A refresh that finds another one running is skipped, [OneAtATime]: a change committed just after
/// that one began waits for the next.)
/// </summary>
public sealed class DashboardRefreshRequests(IBackgroundJobClient jobs, TimeProvider clock, ILogger<DashboardRefreshRequests> logger)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromSeconds(10);

    /// <summary>How long a refresh waits after the change that asked for it, so the rest of a burst is in the view too.</summary>
    public static readonly TimeSpan Gather = TimeSpan.FromSeconds(2);

    /// <summary>When the last refresh asked for runs (UTC ticks).</summary>
    private long _dueTicks;

    public void Request()
    {
        var now = clock.GetUtcNow().UtcTicks;
        while (true)
        {
            var due = Interlocked.Read(ref _dueTicks);
            if (now < due)
            {
                return;
            }

            var next = Math.Max(now + Gather.Ticks, due + Debounce.Ticks);
            if (Interlocked.CompareExchange(ref _dueTicks, next, due) == due)
            {
                Schedule(TimeSpan.FromTicks(next - now));
                return;
            }
        }
    }

    private void Schedule(TimeSpan delay)
    {
        try
        {
            jobs.Schedule<DashboardRefresh>(job => job.RunAsync(CancellationToken.None), delay);
        }
        catch (Exception ex)
        {
            // Best effort: the minutely refresh comes anyway, and the event's other handlers must not fail for this.
            logger.LogWarning(ex, "Could not schedule a dashboard refresh");
        }
    }
}
