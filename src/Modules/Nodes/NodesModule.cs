using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Infrastructure.Migrations;
using EvaraTech.Modules.Nodes.Application;
using EvaraTech.Modules.Nodes.Application.DeleteNode;
using EvaraTech.Modules.Nodes.Application.UpdateNode;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Nodes.Demo;
using EvaraTech.Modules.Nodes.Endpoints;
using EvaraTech.Modules.Nodes.Jobs;
using EvaraTech.Modules.Nodes.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Nodes;

/// <summary>The Nodes module's entry point: the only type of this assembly the host references.</summary>
public static class NodesModule
{
    public const string Schema = "nodes";

    public static IServiceCollection AddNodesModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIntegrationEventContracts(typeof(NodeStatusChanged).Assembly);
        services.AddOptions<ChannelKeyOptions>()
            .Bind(configuration.GetSection(ChannelKeyOptions.Section))
            .Validate<IHostEnvironment>((options, environment) => options.ProductionViolation(environment) is null,
                "ChannelKeys:Secret must be this installation's own secret of at least 32 characters in Production.")
            .ValidateOnStart();
        services.AddSingleton<ChannelKeyProtection>();
        services.AddSingleton<ICodeMigration, SealChannelKeys>();
        services.AddScoped<NodeStore>();
        services.AddScoped<NodeCache>();
        services.AddScoped<NodeReads>();
        services.AddScoped<NodeDirectory>();
        services.AddScoped<INodeLookup>(provider => provider.GetRequiredService<NodeDirectory>());
        services.AddScoped<INodeAudiences>(provider => provider.GetRequiredService<NodeDirectory>());
        services.AddScoped<INodeIngestionSources>(provider => provider.GetRequiredService<NodeDirectory>());
        services.AddScoped<INodeAlertTargets>(provider => provider.GetRequiredService<NodeDirectory>());
        services.AddScoped<INodeOwners>(provider => provider.GetRequiredService<NodeDirectory>());
        services.AddScoped<INodeTelemetryState>(provider => provider.GetRequiredService<OperationalStateStore>());
        services.AddScoped<INodeAlertState>(provider => provider.GetRequiredService<OperationalStateStore>());
        services.AddScoped<NodeList>();
        services.AddScoped<NodesNearby>();
        services.AddScoped<OperationalStateStore>();
        services.AddScoped<FirmwareReports>();
        services.AddSingleton<PostGisAvailability>();

        services.Configure<OfflineDetectionOptions>(configuration.GetSection(OfflineDetectionOptions.Section));
        services.AddRecurringJob<OfflineDetection>();

        services.AddScoped<NodeTagChange>();

        // After the tenancy seeder (hosted services start in registration order): demo nodes belong to demo tenants.
        services.AddHostedService<DemoNodesSeeder>();
        return services;
    }

    public static IEndpointRouteBuilder MapNodesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapNodeEndpoints();
        return endpoints;
    }
}
