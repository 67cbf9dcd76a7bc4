using EvaraTech.Simulator.Faults;
using Microsoft.Extensions.Options;

namespace EvaraTech.Simulator.Endpoints;

/// <summary>Fault knobs and request statistics for tests, under <c>/_simulator</c>.</summary>
internal static class AdminEndpoints
{
    public const string TokenHeader = "X-Simulator-Token";

    public static void MapAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/_simulator").AddEndpointFilter(async (context, next) =>
            IsAllowed(context.HttpContext) ? await next(context) : Results.StatusCode(StatusCodes.Status403Forbidden));

        admin.MapGet("/faults", (FaultRegistry faults) => Results.Ok(faults.All()));
        admin.MapPost("/faults", (FaultSettings settings, FaultRegistry faults) =>
        {
            faults.Set(settings);
            return Results.Ok(faults.All());
        });
        admin.MapDelete("/faults", (FaultRegistry faults) =>
        {
            faults.Clear();
            return Results.NoContent();
        });

        admin.MapGet("/stats", (RequestStats stats) =>
        {
            var channels = stats.Snapshot();
            return Results.Ok(new
            {
                totalRequests = channels.Values.Sum(c => c.Requests),
                maxConcurrent = stats.MaxConcurrent,
                channels = channels.ToDictionary(c => c.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), c => c.Value),
            });
        });
        admin.MapDelete("/stats", (RequestStats stats) =>
        {
            stats.Reset();
            return Results.NoContent();
        });
    }

    /// <summary>Loopback callers (and in-process test servers, which have no address) always; others only with the token.</summary>
    private static bool IsAllowed(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null || System.Net.IPAddress.IsLoopback(remote))
        {
            return true;
        }

        var token = http.RequestServices.GetRequiredService<IOptions<SimulatorOptions>>().Value.AdminToken;
        return !string.IsNullOrEmpty(token) && http.Request.Headers[TokenHeader] == token;
    }
}
