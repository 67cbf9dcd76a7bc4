using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Telemetry.Application;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Endpoints;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Telemetry;

/// <summary>The Telemetry module's entry point: the only type of this assembly the host references.</summary>
public static class TelemetryModule
{
    public const string Schema = "telemetry";

    public static IServiceCollection AddTelemetryModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIntegrationEventContracts(typeof(TelemetryBatchRecorded).Assembly);
        services.Configure<WrongWriteKeyOptions>(configuration.GetSection(WrongWriteKeyOptions.Section));
        services.AddSingleton<WrongWriteKeys>();
        services.AddScoped<PushingClient>();
        services.AddScoped<WriteKeyLookup>();
        services.AddScoped<TelemetryNodes>();
        services.AddScoped<TelemetryReads>();
        services.AddScoped<IngestionRecords>();
        services.AddScoped<PollSchedule>();
        services.AddScoped<SourceHealthReads>();
        services.AddScoped<ITelemetryBatchReader, TelemetryBatchReader>();
        services.AddScoped<IOpenAlertCounts, OpenAlertCounts>();
        services.AddThingSpeakClient(configuration);
        services.AddOptions<PollingOptions>().Bind(configuration.GetSection(PollingOptions.Section))
            .Validate(o => o.IsValid,
                "Polling: Concurrency, WriteConcurrency, BackfillConcurrency, IntervalSeconds, BackfillHours, PollTimeoutSeconds and MaxReadsPerPoll must be positive, "
                + "SpreadSeconds and LookbackMinutes 0 or more, MinPageSize 1 to 8000.")
            .ValidateOnStart();
        services.AddTransient<FeedReader>();
        services.AddTransient<ChannelPoller>();
        return services.AddTelemetryJobs();
    }

    /// <summary>Device-facing routes at the site root, outside /api/v1 (ThingSpeak's paths).</summary>
    public static IEndpointRouteBuilder MapTelemetryDeviceEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDevicePushRoutes();
        return endpoints;
    }

    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTelemetryRoutes();
        return endpoints;
    }
}
