using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Audit;

/// <summary>
/// The Audit module's entry point: the only type of this assembly the host references. The module's content
/// arrives with its own issue; until then it owns its database schema (`audit`) and nothing else.
/// </summary>
public static class AuditModule
{
    public const string Schema = "audit";

    public static IServiceCollection AddAuditModule(this IServiceCollection services, IConfiguration configuration) => services;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
