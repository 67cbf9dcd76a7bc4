using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Modules.Alerts.Application.EvaluateTelemetryBatch;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Alerts;

/// <summary>
/// The Alerts module's entry point: the only type of this assembly the host references. Issue #7 is under way: the
/// schema, the rule evaluation of every stored batch, the race-free raise and resolve and the node's Alert status
/// exist; offline detection, notifications and the API do not yet.
/// </summary>
public static class AlertsModule
{
    public const string Schema = "alerts";

    public static IServiceCollection AddAlertsModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<AlertLifecycle>();
        services.AddSingleton<AlertRulesCache>();
        services.AddScoped<RuleStates>();
        services.AddScoped<IIntegrationEventHandler<TelemetryBatchRecorded>, EvaluateTelemetryBatchHandler>();
        return services;
    }

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
