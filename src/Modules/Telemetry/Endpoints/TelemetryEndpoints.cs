using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Telemetry.Application.ExportTelemetry;
using EvaraTech.Modules.Telemetry.Application.GetLatestReading;
using EvaraTech.Modules.Telemetry.Application.GetLatestReadings;
using EvaraTech.Modules.Telemetry.Application.GetNodeHealth;
using EvaraTech.Modules.Telemetry.Application.GetNodeSources;
using EvaraTech.Modules.Telemetry.Application.GetSeries;
using EvaraTech.Modules.Telemetry.Application.IngestGatewayBatch;
using EvaraTech.Modules.Telemetry.Application.PreviewChannel;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>The telemetry API: reads and the gateway batch. Each route binds, sends one message and shapes the envelope (the export streams CSV).</summary>
internal static class TelemetryEndpoints
{
    public const string PreviewRateLimit = "channel-preview";

    public sealed record PreviewBody(long? ChannelId, string? ReadKey, IReadOnlyList<PreviewMapping>? Mappings);

    public static void MapTelemetryRoutes(this IEndpointRouteBuilder endpoints)
    {
        var nodes = endpoints.MapGroup("/nodes/{id:guid}").WithTags("Telemetry");

        nodes.MapPost("/channel/preview", async (Guid id, PreviewBody body, ISender sender, HttpContext context, CancellationToken ct) =>
                ApiResults.Ok(context, await sender.Send(new PreviewChannelQuery(id, body.ChannelId, body.ReadKey, body.Mappings), ct)))
            .RequireRateLimiting(PreviewRateLimit)
            .WithSummary("Preview a channel mapping on the channel's last entries")
            .WithDescription("Reads the ThingSpeak channel's last 10 entries through the platform and answers each as the mapping given (not yet saved) "
                + "would store it, calibrated by the node's calibrations, with every refusal and its reason. Without a read key the node's stored one is "
                + "used. Nothing is stored. Limited per user per minute (429 beyond).")
            .Returns<ChannelPreview>();

        // The latest reading's ETag is its time: a client polling with If-None-Match gets 304 until a newer one arrives.
        nodes.MapGet("/telemetry/latest", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            var latest = await sender.Send(new GetLatestReadingQuery(id), ct);
            return ApiResults.Versioned(context, latest, latest.Version);
        })
            .Returns<LatestReading>();

        nodes.MapGet("/telemetry", async (Guid id, ISender sender, HttpContext context, CancellationToken ct,
            string? from = null, string? to = null, string? resolution = null, string? metrics = null, int limit = GetSeriesQuery.DefaultLimit,
            string? cursor = null) =>
        {
            var names = string.IsNullOrWhiteSpace(metrics) ? [] : metrics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var page = await sender.Send(new GetSeriesQuery(id, from, to, resolution, names, limit, cursor), ct);
            return ApiResults.ContentVersioned(context, page.Series, new PaginationMeta(page.Limit, NextCursor: page.NextCursor));
        })
            .Returns<Series>();

        nodes.MapGet("/telemetry/export", async (Guid id, ISender sender, HttpContext context, CancellationToken ct, string? from = null, string? to = null) =>
        {
            var export = await sender.Send(new ExportTelemetryQuery(id, from, to), ct);
            if (export.ArchivedRanges.Count > 0)
            {
                context.Response.Headers["Archived-Ranges"] = string.Join(", ", export.ArchivedRanges);
            }

            return Results.Stream(body => export.WriteAsync(body, ct), Csv.ContentType, export.FileName);
        })
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        nodes.MapGet("/health", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new GetNodeHealthQuery(id), ct)))
            .Returns<NodeHealth>();

        nodes.MapGet("/sources", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new GetNodeSourcesQuery(id), ct)))
            .WithSummary("Each ingestion source's health: last poll and success, failures, last error, cursor, channel resets, last refusals")
            .Returns<NodeSources>();

        endpoints.MapGet("/telemetry/latest", async (ISender sender, HttpContext context, CancellationToken ct,
                [FromQuery(Name = "node_id")] Guid[]? nodeId = null) =>
            ApiResults.Ok(context, await sender.Send(new GetLatestReadingsQuery(nodeId ?? []), ct))).WithTags("Telemetry")
            .Returns<IReadOnlyList<LatestReading>>();

        endpoints.MapPost("/telemetry/ingest", async (ISender sender, HttpContext context, CancellationToken ct) =>
            {
                var readings = GatewayBody.Parse(await RequestBodies.ReadTextAsync(context, GatewayBody.Limit, ct));
                return ApiResults.Ok(context, await sender.Send(new IngestGatewayBatchCommand(readings), ct));
            })
            .AllowAnonymous()
            .LimitWrongWriteKeys()
            .WithMetadata(new RequestSizeLimitAttribute(GatewayBody.Limit))
            .WithTags("Telemetry")
            .WithSummary("Gateway batch: readings of many nodes, by write key or as a user with telemetry:write")
            .Returns<GatewayBatchResult>();
    }
}
