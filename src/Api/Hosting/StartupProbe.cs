using EvaraTech.Application.Errors;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Infrastructure.Migrations;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvaraTech.Api.Hosting;

/// <summary>
/// While the API waits for PostgreSQL and migrates it (before any hosted service may touch the database), a stand-in
/// listens on the API's own addresses and answers the health probes: live, and not ready with the reason, so an
/// orchestrator or an operator sees why the instance is not serving yet instead of a refused connection. It is gone
/// before the API itself starts listening.
/// </summary>
public static class StartupProbe
{
    public static async Task MigrateAnsweringProbesAsync(WebApplication app, string[] args)
    {
        var migrations = app.Services.GetRequiredService<DatabaseMigrationService>();
        if (!migrations.MigratesOnStartup)
        {
            return;
        }

        // The stand-in takes Kestrel's addresses; a host on another server (the in-memory test server) has none, and
        // its stand-in would take the default port from whatever else runs on the machine.
        if (app.Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.GetType().Assembly
            != typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServer).Assembly)
        {
            await migrations.MigrateWhenReachableAsync(app.Lifetime.ApplicationStopping);
            return;
        }

        // The same arguments and environment give the same addresses (urls, http_ports, Kestrel endpoints).
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Logging.ClearProviders();
        await using var probe = builder.Build();
        probe.MapGet(HealthResponse.LivePath, context => HealthResponse.WriteAsync(context, new HealthReport(new Dictionary<string, HealthReportEntry>(), TimeSpan.Zero)));
        probe.MapGet(HealthResponse.ReadyPath, context =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return HealthResponse.WriteAsync(context, new HealthReport(
                new Dictionary<string, HealthReportEntry> { ["startup"] = new(HealthStatus.Unhealthy, migrations.Status, TimeSpan.Zero, null, null) },
                TimeSpan.Zero));
        });
        probe.MapFallback(context =>
        {
            // Devices and clients retry a 503 that says when; the envelope is the API's own.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "5";
            return context.Response.WriteAsJsonAsync(ApiResults.Failure(context, ErrorCodes.DatabaseUnavailable, "The service is starting; retry shortly."));
        });
        await probe.StartAsync(app.Lifetime.ApplicationStopping);
        try
        {
            await migrations.MigrateWhenReachableAsync(app.Lifetime.ApplicationStopping);
        }
        finally
        {
            await probe.StopAsync(CancellationToken.None);
        }
    }
}
