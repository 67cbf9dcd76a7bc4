using System.Text;
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
                var name = $"uptime-{report.Period.From.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}-{report.Period.To.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}.csv";
                return Results.Stream(body => WriteCsvAsync(body, report, ct), Csv.ContentType, name);
            })
            .WithTags("Uptime")
            .WithSummary("The uptime report of every node in the caller's scope as CSV, by label")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }

    private static async Task WriteCsvAsync(Stream body, UptimeReportExport report, CancellationToken ct)
    {
        await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync("node_id,node_key,label,from,to,observed_seconds,downtime_seconds,uptime_percent,outages");
        foreach (var line in report.Lines)
        {
            ct.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(',',
                Csv.Field(line.NodeId), Csv.Text(line.NodeKey), Csv.Text(line.Label), Csv.Timestamp(report.Period.From), Csv.Timestamp(report.Period.To),
                Csv.Field(line.ObservedSeconds), Csv.Field(line.DowntimeSeconds), line.UptimePercent is { } percent ? Csv.Field(percent) : "",
                Csv.Field(line.Outages)));
        }
    }
}
