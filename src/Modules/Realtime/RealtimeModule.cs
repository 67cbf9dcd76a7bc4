using EvaraTech.Infrastructure.Messaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace EvaraTech.Modules.Realtime;

/// <summary>
/// The Realtime module's entry point: the SignalR hub and the broadcaster that turns other modules' integration
/// events into live messages. It owns no schema; it knows other modules only through their contracts.
/// </summary>
public static class RealtimeModule
{
    public const string HubPath = "/hubs/realtime";

    public static IServiceCollection AddRealtimeModule(this IServiceCollection services, IConfiguration configuration)
    {
        var signalR = services.AddSignalR().AddMessagePackProtocol();
        services.Configure<RealtimeOptions>(configuration.GetSection(RealtimeOptions.Section));
        services.AddSingleton<RealtimeBroadcaster>();
        services.AddHostedService(provider => provider.GetRequiredService<RealtimeBroadcaster>());
        services.AddIntegrationEventHandler<BroadcastIntegrationEvents>();
        services.AddSingleton<RealtimeConnections>();
        services.AddHostedService(provider => provider.GetRequiredService<RealtimeConnections>());
        if (ConnectionStrings.Redis(configuration) is { } redis)
        {
            signalR.AddStackExchangeRedis(redis, o =>
            {
                o.Configuration.ChannelPrefix = RedisChannel.Literal("evaratech");
                o.Configuration.AbortOnConnectFail = false;
            });
            services.AddSingleton<RedisHubLifetimeManager<RealtimeHub>>();
            services.AddSingleton<DefaultHubLifetimeManager<RealtimeHub>>();
            services.AddSingleton<HubLifetimeManager<RealtimeHub>, FallbackHubLifetimeManager>();
        }

        return services;
    }

    public static IEndpointRouteBuilder MapRealtimeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // A connection ends when its token expires, and sooner when its user's access ends (RealtimeConnections).
        endpoints.MapHub<RealtimeHub>(HubPath, o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization();
        return endpoints;
    }
}
