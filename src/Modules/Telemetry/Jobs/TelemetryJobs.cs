using EvaraTech.Infrastructure.Jobs;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>The Telemetry module's recurring jobs: ThingSpeak polling, rollups and health scores every minute, quiet nodes' state every five, partitions daily.</summary>
internal static class TelemetryJobs
{
    public static IServiceCollection AddTelemetryJobs(this IServiceCollection services)
    {
        services.AddRecurringJob<ThingSpeakPolling>();
        services.AddRecurringJob<RollupRefresh>(ServiceLifetime.Singleton);
        services.AddRecurringJob<DeviceStateRefresh>(ServiceLifetime.Singleton);
        services.AddRecurringJob<HealthScoreRefresh>(ServiceLifetime.Singleton);
        services.AddRecurringJob<TelemetryPartitionMaintenance>(ServiceLifetime.Singleton);
        return services;
    }
}
