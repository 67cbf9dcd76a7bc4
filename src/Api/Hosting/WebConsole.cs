using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace EvaraTech.Api.Hosting;

/// <summary>
/// What the console needs before anyone signs in, from the <c>Console</c> settings: which sign-in to offer (the
/// local issuer's password login, or a Supabase project's, by its URL and anon key: both public by design) and where
/// map tiles come from (none: the map draws a plain base of its own, so it works without a network). No secret is
/// ever here.
/// </summary>
public sealed record ConsoleSettings(bool LocalLogin, string? SupabaseUrl, string? SupabaseAnonKey, string? MapTilesUrl);

public sealed class ConsoleOptions
{
    public const string Section = "Console";

    public string SupabaseUrl { get; set; } = "";

    public string SupabaseAnonKey { get; set; } = "";

    /// <summary>A map tile URL template with <c>{z}</c>, <c>{x}</c> and <c>{y}</c> (a tile server the users' browsers reach); empty: no tiles.</summary>
    public string MapTilesUrl { get; set; } = "";
}

/// <summary>
/// Serves the web console (src/Web's build) at <c>/</c>, same origin as the API: hashed assets cached for a year,
/// <c>index.html</c> never cached, and every other GET that is not the platform's own path answered with
/// <c>index.html</c> so the console's routes work as links. <c>Web:Root</c> names the build folder (default: wwwroot
/// under the content root); without one the platform runs without its console.
/// </summary>
public static class WebConsole
{
    /// <summary>Paths that keep their meaning: never answered with the console.</summary>
    private static readonly string[] PlatformPaths = ["/api", "/hubs", "/hangfire", "/openapi", "/scalar", "/health", "/update", "/channels", "/metrics"];

    /// <summary><c>GET /api/v1/console/settings</c>, for anyone: the console reads it before sign-in.</summary>
    public static void MapConsoleSettings(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/console/settings", (HttpContext context, IOptions<ConsoleOptions> console, IOptions<JwtOptions> auth) =>
            {
                context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
                var options = console.Value;
                return ApiResults.Ok(context, new ConsoleSettings(auth.Value.LocalIssuerEnabled, Empty(options.SupabaseUrl)?.TrimEnd('/'),
                    Empty(options.SupabaseAnonKey), Empty(options.MapTilesUrl)));
            })
            .AllowAnonymous()
            .WithTags("Console")
            .WithSummary("The web console's sign-in and map settings (public)")
            .Returns<ConsoleSettings>();

    /// <summary>The console is never framed by another site (clickjacking), and its files are what they say they are.</summary>
    private static void Protect(HttpResponse response)
    {
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        response.Headers["Referrer-Policy"] = "same-origin";
    }

    private static string? Empty(string value) => string.IsNullOrWhiteSpace(value) ? null : value;

    public static WebApplication UseWebConsole(this WebApplication app)
    {
        var root = app.Configuration["Web:Root"] is { Length: > 0 } configured
            ? Path.GetFullPath(configured, app.Environment.ContentRootPath)
            : Path.Combine(app.Environment.ContentRootPath, "wwwroot");
        var index = Path.Combine(root, "index.html");
        if (!File.Exists(index))
        {
            app.Logger.LogWarning("No web console at {Root} (build src/Web, or set Web:Root): the API runs without it", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                Protect(context.Context.Response);
                context.Context.Response.Headers.CacheControl =
                    context.Context.Request.Path.StartsWithSegments("/assets") ? "public, max-age=31536000, immutable" : "no-cache";
            },
        });
        app.MapFallback("{*path:nonfile}", (HttpContext context) =>
        {
            if (PlatformPaths.Any(prefix => context.Request.Path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase))
                || !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                return Results.StatusCode(StatusCodes.Status404NotFound);
            }

            context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            Protect(context.Response);
            return Results.File(files.GetFileInfo("index.html").CreateReadStream(), "text/html; charset=utf-8");
        }).AllowAnonymous().ExcludeFromDescription();
        return app;
    }
}
