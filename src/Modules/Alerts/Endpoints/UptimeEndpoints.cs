using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Alerts.Application.ExportUptimeReport;
using EvaraTech.Modules.Alerts.Application.GetNodeUptime;
using EvaraTech.Modules.Alerts.Application.GetUptimeReport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Alerts.Endpoints;

/// <summary>SLA uptime, from the outage records offline detection keeps: per node, and a report over the caller's nodes.</summary>
internal static class UptimeEndpoints
{
    public static void MapUptimeEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/nodes/{id:guid}/uptime", async (Guid id, ISender sender, HttpContext context, CancellationToken ct,
                string? from = null, string? to = null) =>
            ApiResults.Ok(context, await sender.Send(new GetNodeUptimeQuery(id, from, to), ct))).WithTags("Uptime")
            .Returns<NodeUptime>();

        endpoints.MapGet("/reports/uptime", async (ISender sender, HttpContext context, CancellationToken ct,
                string? from = null, string? to = null, int page = 1, int limit = PageRequest.DefaultLimit) =>
            ApiResults.Page(context, await sender.Send(new GetUptimeReportQuery(from, to, new PageRequest(page, limit)), ct))).WithTags("Uptime")
            .Returns<IReadOnlyList<UptimeReportLine>>();

        endpoints.MapGet("/reports/uptime/export", async (ISender sender, CancellationToken ct, string? from = null, string? to = null) =>
            {
                var report = await sender.Send(new ExportUptimeReportQuery(from, to), ct);
                return Results.Stream(body => report.WriteAsync(body, ct), Csv.ContentType, report.FileName);
            })
            .WithTags("Uptime")
            .WithSummary("The uptime report of every node in the caller's scope as CSV, by label")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }
}
