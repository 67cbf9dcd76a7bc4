using EvaraTech.Api.Errors;
using EvaraTech.Api.Realtime;
using EvaraTech.Infrastructure;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Alerts;
using EvaraTech.Modules.Audit;
using EvaraTech.Modules.Nodes;
using EvaraTech.Modules.Reporting;
using EvaraTech.Modules.Telemetry;
using EvaraTech.Modules.Tenancy;
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
        app.UseExceptionHandler();
        app.UseStatusCodePages(StatusCodeEnvelope.WriteAsync);
        app.UseWebConsole();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapScalarApiReference("/scalar");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(InfrastructureRegistration.ReadyTag),
            ResponseWriter = HealthResponse.WriteAsync,
        });

        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new SuperadminDashboardAuthorization()],
            AsyncAuthorization = [],
        });
        // A connection ends when its token expires, so a revoked or demoted user does not keep listening.
        app.MapHub<RealtimeHub>("/hubs/realtime", o => o.CloseOnAuthenticationExpiration = true).RequireAuthorization();

        app.MapTelemetryDeviceEndpoints();

        // Every API route needs a signed-in user unless it says otherwise (login, signed webhooks).
        var api = app.MapGroup(ApiPrefix).RequireAuthorization().ReturnsErrorEnvelopes();
        api.MapTenancyEndpoints();
        api.MapNodesEndpoints();
        api.MapTelemetryEndpoints();
        api.MapAlertsEndpoints();
        api.MapReportingEndpoints();
        api.MapAuditEndpoints();
        api.MapConsoleSettings();
        return app;
    }
}
