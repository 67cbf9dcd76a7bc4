using EvaraTech.Modules.Telemetry.Jobs;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Telemetry;

/// <summary>
/// The Telemetry module's entry point: the only type of this assembly the host references. The module's content
/// arrives with its own issue; until then it owns its database schema (`telemetry`) and nothing else.
/// </summary>
public static class TelemetryModule
{
    public const string Schema = "telemetry";

    public static IServiceCollection AddTelemetryModule(this IServiceCollection services, IConfiguration configuration) =>
        services.AddTelemetryJobs();

    public static IEndpointRouteBuilder MapTelemetryEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
