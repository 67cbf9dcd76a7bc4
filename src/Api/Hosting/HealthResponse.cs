using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EvaraTech.Api.Hosting;

/// <summary>A compact health body: overall status and each check's status, nothing an attacker could use.</summary>
public static class HealthResponse
{
    /// <summary>Where orchestrators ask, of the API and of the start-up stand-in alike.</summary>
    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    public static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
}
