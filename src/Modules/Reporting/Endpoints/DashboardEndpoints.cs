using System.Globalization;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Reporting.Application.GetDashboardStats;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Reporting.Endpoints;

/// <summary>The dashboard's figures; the ETag is the view's refresh time, so a polling client gets 304 until the next refresh.</summary>
internal static class DashboardEndpoints
{
    public static void MapDashboardEndpoints(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/dashboard/stats", async (ISender sender, HttpContext context, CancellationToken ct) =>
        {
            var stats = await sender.Send(new GetDashboardStatsQuery(), ct);
            var etag = $"\"{(stats.RefreshedAt?.Ticks ?? 0).ToString(CultureInfo.InvariantCulture)}\"";
            return ApiResults.Versioned(context, stats, etag);
        }).WithTags("Dashboard")
            .Returns<DashboardStats>();
}
