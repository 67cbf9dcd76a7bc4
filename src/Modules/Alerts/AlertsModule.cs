using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Alerts;

/// <summary>
/// The Alerts module's entry point: the only type of this assembly the host references. The module's content
/// arrives with its own issue; until then it owns its database schema (`alerts`) and nothing else.
/// </summary>
public static class AlertsModule
{
    public const string Schema = "alerts";

    public static IServiceCollection AddAlertsModule(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapAlertsEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
