using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Reporting.Application.RefreshOnChanges;
using EvaraTech.Modules.Reporting.Contracts;
using EvaraTech.Modules.Reporting.Endpoints;
using EvaraTech.Modules.Reporting.Jobs;
using EvaraTech.Modules.Reporting.Persistence;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Reporting;

/// <summary>
/// The Reporting module's entry point: read models that span modules (the operator dashboard), kept in the
/// <c>reporting</c> schema as materialized views and refreshed by jobs. It reads other modules' tables in SQL only
/// inside those views, and writes none.
/// </summary>
public static class ReportingModule
{
    public const string Schema = "reporting";

    public static IServiceCollection AddReportingModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIntegrationEventContracts(typeof(DashboardStatsRefreshed).Assembly);
        services.AddScoped<DashboardStatsView>();
        services.AddSingleton<DashboardRefreshRequests>();
        services.AddIntegrationEventHandler<RefreshDashboardOnChanges>();
        services.AddRecurringJob<DashboardRefresh>();
        return services;
    }

    public static IEndpointRouteBuilder MapReportingEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDashboardEndpoints();
        return endpoints;
    }
}
