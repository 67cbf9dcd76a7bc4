using EvaraTech.Modules.Tenancy.Application.Login;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Endpoints;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Modules.Tenancy;

/// <summary>The Tenancy module's entry point: the only type of this assembly the host references.</summary>
public static class TenancyModule
{
    public const string Schema = "tenancy";

    public static IServiceCollection AddTenancyModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<JwtOptions>(configuration.GetSection(JwtOptions.Section));
        services.AddSingleton<LocalTokenIssuer>();
        services.AddSingleton<IPasswordHasher<LoginCommand>, PasswordHasher<LoginCommand>>();
        return services;
    }

    public static IEndpointRouteBuilder MapTenancyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuthEndpoints();
        return endpoints;
    }
}
