using System.Threading.RateLimiting;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Tenancy.Application;
using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.Modules.Tenancy.Contracts;
using EvaraTech.Modules.Tenancy.Demo;
using EvaraTech.Modules.Tenancy.Domain;
using EvaraTech.Modules.Tenancy.Endpoints;
using EvaraTech.Modules.Tenancy.Persistence;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Tenancy;

/// <summary>The Tenancy module's entry point: the only type of this assembly the host references.</summary>
public static class TenancyModule
{
    public const string Schema = "tenancy";

    public static IServiceCollection AddTenancyModule(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIntegrationEventContracts(typeof(UserLoggedIn).Assembly);
        services.AddOptions<JwtOptions>()
            .Bind(configuration.GetSection(JwtOptions.Section))
            .PostConfigure(options => options.ApplySupabaseUrl())
            .Validate<IHostEnvironment>((options, environment) => ProductionSafety.Violation(options, environment) is null,
                "Unsafe authentication settings for Production (see ProductionSafety).")
            .ValidateOnStart();

        services.AddScoped<CurrentUser>();
        services.AddScoped<ICurrentUser>(sp => sp.GetRequiredService<CurrentUser>());
        services.AddSingleton<UserProfileLookup>();
        services.AddSingleton<LocalTokenIssuer>();
        services.AddScoped<LoginThrottle>();
        services.AddScoped<LoginAttempt>();
        services.AddScoped<TenantContents>();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped(sp => TenancyTables.DistributorTable(sp.GetRequiredService<DbSession>()));
        services.AddScoped(sp => TenancyTables.CommunityTable(sp.GetRequiredService<DbSession>()));
        services.AddScoped(sp => TenancyTables.CustomerTable(sp.GetRequiredService<DbSession>()));
        services.AddScoped(sp => TenancyTables.UserTable(sp.GetRequiredService<DbSession>()));
        services.AddScoped<UserPlacement>();
        services.AddScoped<ITenantDirectory, TenantDirectory>();
        services.AddScoped<LocalCredentials>();
        services.AddScoped<ProfileSync>();
        services.AddHostedService<DemoTenancySeeder>();
        services.AddSingleton<RefusedTokenReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<RefusedTokenReporter>());

        services.AddHttpClient(JwksKeyCache.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5));
        services.AddSingleton<JwksKeyCache>();
        services.AddSingleton<IConfigureOptions<JwtBearerOptions>, SupabaseJwtBearer>();
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddAuthorization();

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(AuthEndpoints.LoginRateLimit, context =>
            {
                var perMinute = context.RequestServices.GetRequiredService<IOptions<JwtOptions>>().Value.LoginAttemptsPerClientPerMinute;
                return RateLimitPartition.GetFixedWindowLimiter(
                    context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });

        return services;
    }

    public static IEndpointRouteBuilder MapTenancyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuthEndpoints();
        endpoints.MapTenantEndpoints();
        return endpoints;
    }
}
