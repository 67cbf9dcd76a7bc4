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
/// <see cref="Debounce"/> per instance: a burst of a thousand changes costs one refresh, not a thousand.
/// </summary>
public sealed class DashboardRefreshRequests(IBackgroundJobClient jobs, TimeProvider clock, ILogger<DashboardRefreshRequests> logger)
{
    public static readonly TimeSpan Debounce = TimeSpan.FromSeconds(10);

    private long _lastRequestTicks;

    public void Request()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastRequestTicks);
        if (now - last < Debounce.Ticks || Interlocked.CompareExchange(ref _lastRequestTicks, now, last) != last)
        {
            return;
        }

        try
        {
            // Scheduled a little later, so the rest of the burst is in the view too.
            jobs.Schedule<DashboardRefresh>(job => job.RunAsync(CancellationToken.None), TimeSpan.FromSeconds(2));
        }
        catch (Exception ex)
        {
            // Best effort: the minutely refresh comes anyway, and the event's other handlers must not fail for this.
            logger.LogWarning(ex, "Could not schedule a dashboard refresh");
        }
    }
}
