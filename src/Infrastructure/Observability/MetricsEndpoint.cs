using System.Net;
using System.Security.Cryptography;
using System.Text;
using EvaraTech.Application.Errors;
using EvaraTech.Infrastructure.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EvaraTech.Infrastructure.Observability;

/// <summary>The <c>Metrics</c> settings: who may scrape <c>/metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// The bearer token a scraper must present (Prometheus: <c>authorization: { credentials: … }</c>). Unset, only
    /// clients on this machine may scrape (not requests a proxy forwarded), so a platform behind a load balancer never
    /// publishes its metrics by default.
    /// </summary>
    public string? ScrapeToken { get; set; }
}

/// <summary>
/// The Prometheus scrape endpoint: the platform's own meter (readings stored and refused, poll cycles, outbox backlog,
/// alerts raised, notification deliveries, cache look-ups) beside ASP.NET Core's, HttpClient's, Npgsql's and the
/// runtime's. Guarded before anything else runs: 401 without the configured token, 403 from another machine when none is
/// configured.
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IApplicationBuilder UseMetricsEndpoint(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.Equals(Path, StringComparison.Ordinal), scrape => scrape
            .Use(async (context, next) =>
            {
                var refusal = Refusal(context, context.RequestServices.GetRequiredService<IOptions<MetricsOptions>>().Value);
                if (refusal is { } status)
                {
                    context.Response.StatusCode = status;
                    if (status == StatusCodes.Status401Unauthorized)
                    {
                        context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer realm=\"metrics\"";
                        await context.Response.WriteAsJsonAsync(ApiResults.Failure(context, ErrorCodes.Unauthorized,
                            "Scraping the metrics needs the bearer token configured as Metrics:ScrapeToken."));
                    }
                    else
                    {
                        await context.Response.WriteAsJsonAsync(ApiResults.Failure(context, ErrorCodes.Forbidden,
                            "Without Metrics:ScrapeToken the metrics are served to this machine only."));
                    }

                    return;
                }

                await next(context);
            })
            .UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path.Equals(Path, StringComparison.Ordinal)));

    private static int? Refusal(HttpContext context, MetricsOptions options)
    {
        if (options.ScrapeToken is not { Length: > 0 } token)
        {
            // A request a proxy forwarded comes from loopback too, but not from this machine.
            var forwarded = context.Request.Headers.ContainsKey("X-Forwarded-For") || context.Request.Headers.ContainsKey("Forwarded");
            var address = context.Connection.RemoteIpAddress is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : context.Connection.RemoteIpAddress;
            return !forwarded && address is not null && IPAddress.IsLoopback(address) ? null : StatusCodes.Status403Forbidden;
        }

        var presented = context.Request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return presented.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented[Scheme.Length..].Trim()), Encoding.UTF8.GetBytes(token))
                ? null
                : StatusCodes.Status401Unauthorized;
    }
}
