using EvaraTech.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>The Telemetry module's recurring jobs: ThingSpeak polling, rollups and health scores every minute, quiet nodes' state every five, partitions daily.</summary>
internal static class TelemetryJobs
{
    public static IServiceCollection AddTelemetryJobs(this IServiceCollection services)
    {
        services.AddSingleton<RollupRefresh>();
        services.AddSingleton<DeviceStateRefresh>();
        services.AddSingleton<TelemetryPartitionMaintenance>();
        services.AddSingleton<HealthScoreRefresh>();
        services.AddTransient<ThingSpeakPolling>();
        services.AddSingleton(new ScheduledJob(ThingSpeakPolling.JobId, jobs =>
            jobs.AddOrUpdate<ThingSpeakPolling>(ThingSpeakPolling.JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely())));
        services.AddSingleton(new ScheduledJob(RollupRefresh.JobId, jobs =>
            jobs.AddOrUpdate<RollupRefresh>(RollupRefresh.JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely())));
        services.AddSingleton(new ScheduledJob(DeviceStateRefresh.JobId, jobs =>
            jobs.AddOrUpdate<DeviceStateRefresh>(DeviceStateRefresh.JobId, job => job.RunAsync(CancellationToken.None), "*/5 * * * *")));
        services.AddSingleton(new ScheduledJob(HealthScoreRefresh.JobId, jobs =>
            jobs.AddOrUpdate<HealthScoreRefresh>(HealthScoreRefresh.JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely())));
        services.AddSingleton(new ScheduledJob(TelemetryPartitionMaintenance.JobId, jobs =>
            jobs.AddOrUpdate<TelemetryPartitionMaintenance>(TelemetryPartitionMaintenance.JobId, job => job.RunAsync(CancellationToken.None), Cron.Daily())));
        return services;
    }
}
