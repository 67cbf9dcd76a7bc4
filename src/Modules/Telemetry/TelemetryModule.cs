using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Telemetry.Application;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Endpoints;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.Modules.Telemetry.Persistence.Archive;
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
        services.AddTelemetryArchive(configuration);
        return services.AddTelemetryJobs();
    }

    private static void AddTelemetryArchive(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ArchiveOptions>().Bind(configuration.GetSection(ArchiveOptions.Section))
            .Validate(o => o.Store is "local" or "s3", "Archive:Store is local or s3.")
            .Validate(o => o.Store != "local" || o.Directory.Length > 0, "Archive:Directory names the local archive's folder.")
            .Validate(o => o.Store != "s3" || o.S3.Bucket.Length > 0, "Archive:S3:Bucket names the bucket archived telemetry goes to.")
            .Validate(o => o.SilentNodeDropAfter > TimeSpan.Zero, "Archive:SilentNodeDropAfter is a positive time span.")
            .ValidateOnStart();
        services.AddSingleton<IArchiveStore>(sp => sp.GetRequiredService<IOptions<ArchiveOptions>>().Value switch
        {
            { Store: "s3" } options => new S3ArchiveStore(options.S3),
            var options => new LocalDirectoryArchiveStore(options.Directory),
        });
        services.AddSingleton<TelemetryArchiver>();
        services.AddScoped<ArchivedReadings>();
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
