using System.Net;
using System.Net.Sockets;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Telemetry.Application;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Endpoints;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Mqtt;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.Modules.Telemetry.Persistence.Archive;
using Microsoft.AspNetCore.Routing;
using MQTTnet.AspNetCore;
using MQTTnet.Server;

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
        // A preview calls ThingSpeak on the user's behalf: a few a minute per user.
        services.AddPerUserRateLimit(TelemetryEndpoints.PreviewRateLimit, configuration.GetValue("Telemetry:ChannelPreviewsPerUserPerMinute", 10));
        services.AddOptions<PollingOptions>().Bind(configuration.GetSection(PollingOptions.Section))
            .Validate(o => o.IsValid,
                "Polling: Concurrency, WriteConcurrency, BackfillConcurrency, IntervalSeconds, BackfillHours, PollTimeoutSeconds and MaxReadsPerPoll must be positive, "
                + "SpreadSeconds and LookbackMinutes 0 or more, MinPageSize 1 to 8000.")
            .ValidateOnStart();
        services.AddTransient<FeedReader>();
        services.AddTransient<ChannelPoller>();
        services.AddTelemetryArchive(configuration);
        services.AddMqttBroker(configuration);
        return services.AddTelemetryJobs();
    }

    /// <summary>
    /// MQTT (<see cref="MqttOptions"/>): the embedded broker, MQTTnet's server on its own TCP port, on a TLS port when a
    /// certificate is configured, and at the WebSocket path, with the platform's rules attached before it starts; or, in
    /// outside-broker mode, a consumer of the users' broker cluster.
    /// </summary>
    private static void AddMqttBroker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MqttOptions>().Bind(configuration.GetSection(MqttOptions.Section))
            .Validate(o => o.IsValid, "Mqtt: Mode is embedded or off, Address an IP address, Port 1-65535, WebSocketPath starts with '/', "
                + "MaxMessageBytes, MessagesPerSecond, Burst, ConnectionsPerAddress, MaxBatch and Writers positive, BatchWindowMilliseconds 0 or more.")
            .ValidateOnStart();
        var mqtt = configuration.GetSection(MqttOptions.Section).Get<MqttOptions>() ?? new MqttOptions();
        if (!mqtt.IsValid || !(mqtt.IsEmbedded || mqtt.IsExternal))
        {
            return;
        }

        services.AddSingleton<MqttIngestion>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttIngestion>());
        if (mqtt.IsExternal)
        {
            services.AddHostedService<MqttExternalConsumer>();
            return;
        }

        services.AddSingleton<FeedInterest>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedInterest>());
        services.AddSingleton<MqttFeedFanOut>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttFeedFanOut>());
        services.AddIntegrationEventHandler<SubscriptionFeed>();
        // The configured address only: MQTTnet would also listen on every IPv6 interface, loopback or not.
        var address = IPAddress.Parse(mqtt.Address);
        var (v4, v6) = address.AddressFamily == AddressFamily.InterNetworkV6 ? (IPAddress.None, address) : (address, IPAddress.None);
        var certificate = mqtt.LoadCertificate();
        var server = new MqttServerOptionsBuilder().WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(v4).WithDefaultEndpointBoundIPV6Address(v6).WithDefaultEndpointPort(mqtt.Port);
        if (certificate is not null)
        {
            server.WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(v4).WithEncryptedEndpointBoundIPV6Address(v6)
                .WithEncryptedEndpointPort(mqtt.Tls.Port).WithEncryptionCertificate(certificate);
        }

        var serverOptions = server.Build();
        services.AddSingleton(sp => new MqttServerFactory().CreateMqttServer(serverOptions, sp.GetServices<IMqttServerAdapter>()));
        // Registered after everything a device's messages are handed to: the broker starts last and stops first.
        services.AddHostedService<MqttBroker>();
        services.AddMqttTcpServerAdapter();
        services.AddMqttConnectionHandler();
        services.AddConnections();
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
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<MqttOptions>>().Value is { IsEmbedded: true } mqtt)
        {
            endpoints.MapMqtt(mqtt.WebSocketPath);
        }

        return endpoints;
    }

    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTelemetryRoutes();
        return endpoints;
    }
}
