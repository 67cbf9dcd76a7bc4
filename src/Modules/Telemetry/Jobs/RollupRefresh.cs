using EvaraTech.Infrastructure.Jobs;
using Hangfire;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>What one refresh re-aggregated: buckets and nodes per telemetry type and resolution.</summary>
public sealed record RefreshedRollup(string TelemetryType, string Resolution, int Buckets, int Nodes);

/// <summary>
/// Re-aggregates the (node, hour) buckets that changed since the last run, and their days, from the raw rows
/// (telemetry.refresh_rollups, partitioned profile). On TimescaleDB the continuous aggregate policies do this and the
/// function returns nothing. Runs every minute as the maintenance role (the application cannot write rollups).
/// </summary>
[OneAtATime]
public sealed class RollupRefresh(IConfiguration configuration, ILogger<RollupRefresh> logger) : IRecurringJob
{
    public const string JobId = "telemetry-rollups";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<RollupRefresh>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    public async Task<IReadOnlyList<RefreshedRollup>> RunAsync(CancellationToken cancellationToken)
    {
        var refreshed = await Maintenance.QueryAsync<RefreshedRollup>(
            configuration, "SELECT telemetry_type AS TelemetryType, resolution, buckets, nodes FROM telemetry.refresh_rollups()", null, cancellationToken);
        foreach (var rollup in refreshed.Where(r => r.Buckets > 0))
        {
            logger.LogInformation("Rollups {Type}/{Resolution}: {Buckets} buckets of {Nodes} nodes refreshed",
                rollup.TelemetryType, rollup.Resolution, rollup.Buckets, rollup.Nodes);
        }

        return refreshed;
    }
}
