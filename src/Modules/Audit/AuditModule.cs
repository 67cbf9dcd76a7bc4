using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Audit.Application.AuthenticationEvents;
using EvaraTech.Modules.Audit.Endpoints;
using EvaraTech.Modules.Audit.Jobs;
using EvaraTech.Modules.Audit.Persistence;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Audit;

/// <summary>The Audit module's entry point: the only type of this assembly the host references.</summary>
public static class AuditModule
{
    public const string Schema = "audit";

    public static IServiceCollection AddAuditModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<IAuditTrail, AuditTrail>();
        services.AddScoped<AuditContext>();
        services.AddScoped<AuditLogReader>();
        services.AddIntegrationEventHandler<RecordAuthenticationEvents>();
        services.AddRecurringJob<AuditPartitionMaintenance>(ServiceLifetime.Singleton);
        return services;
    }

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuditLogEndpoints();
        endpoints.MapDeadLetterEndpoints();
        return endpoints;
    }
}
