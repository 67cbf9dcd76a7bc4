using EvaraTech.Api.Errors;
using EvaraTech.Infrastructure;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Tenancy.Authentication;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Scalar.AspNetCore;

namespace EvaraTech.Api.Hosting;

/// <summary>The middleware order and the routes of the host.</summary>
public static class ApiPipeline
{
    public const string ApiPrefix = "/api/v1";

    public static WebApplication UseApi(this WebApplication app)
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseDeprecationHeaders();
        app.UseMiddleware<FailedLoginAuditing>();
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeEnvelope.WriteAsync);
        app.UseMetricsEndpoint();
        app.UseWebConsole();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference("/scalar");
        app.MapHealthChecks(HealthResponse.LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks(HealthResponse.ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(InfrastructureRegistration.ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
        });

        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new SuperadminDashboardAuthorization()],
            AsyncAuthorization = [],
        });
        var api = app.MapApiVersion(ApiPrefix);
        foreach (var module in ApiRegistration.Modules)
        {
            module.MapEndpoints(app, api);
        }

        api.MapConsoleSettings();
        return app;
    }

    /// <summary>
    /// The route group of one version of the API, with the conventions every version shares. A breaking change maps
    /// its new route in <c>app.MapApiVersion("/api/v2")</c> and declares the route it replaces
    /// <see cref="DeprecationEndpoints.Deprecated"/> (docs/API.md, "Versions and deprecation").
    /// </summary>
    public static RouteGroupBuilder MapApiVersion(this IEndpointRouteBuilder app, string prefix) =>
        // Every API route needs a signed-in user unless it says otherwise (login, signed webhooks).
        app.MapGroup(prefix).RequireAuthorization().ReturnsErrorEnvelopes().AddEndpointFilter(ControlCharacters.RefuseInQueryAsync);
}
