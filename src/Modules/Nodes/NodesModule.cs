using EvaraTech.Modules.Nodes.Demo;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Nodes;

/// <summary>
/// The Nodes module's entry point: the only type of this assembly the host references. The module's content
/// arrives with its own issue; until then it owns its database schema (`nodes`) and nothing else.
/// </summary>
public static class NodesModule
{
    public const string Schema = "nodes";

    public static IServiceCollection AddNodesModule(this IServiceCollection services, IConfiguration configuration) =>
        services.AddHostedService<DemoNodesSeeder>();

    public static IEndpointRouteBuilder MapNodesEndpoints(this IEndpointRouteBuilder endpoints) => endpoints;
}
