using System.Globalization;
using System.Text;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Audit.Application.ExportAuditLogs;
using EvaraTech.Modules.Audit.Application.ListAuditLogs;
using EvaraTech.Modules.Audit.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Audit.Endpoints;

internal static class AuditEndpoints
{
    public static void MapAuditLogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var audit = endpoints.MapGroup("/audit-logs").WithTags("Audit");

        audit.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct, [AsParameters] FilterParameters filter,
                string? cursor = null, int limit = PageRequest.DefaultLimit) =>
            {
                var page = await sender.Send(new ListAuditLogsQuery(filter.ToFilter(), cursor, limit), ct);
                return ApiResults.Ok(context, page.Items, new PaginationMeta(page.Limit, NextCursor: page.NextCursor));
            })
            .WithSummary("The audit trail, newest first (superadmins: all; distributors: their subtree)")
            .Returns<IReadOnlyList<AuditLogDto>>();

        audit.MapGet("/export", async (ISender sender, HttpContext context, CancellationToken ct, [AsParameters] FilterParameters filter) =>
            {
                var rows = await sender.Send(new ExportAuditLogsQuery(filter.ToFilter()), ct);
                context.Response.ContentType = Csv.ContentType;
                context.Response.Headers.ContentDisposition = "attachment; filename=\"audit-logs.csv\"";
                await using var writer = new StreamWriter(context.Response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
                await writer.WriteLineAsync("id,timestamp,action_type,resource_type,resource_id,user_id,ip_address,user_agent,request_id,metadata");
                await foreach (var row in rows.WithCancellation(ct))
                {
                    await writer.WriteLineAsync(string.Join(',',
                        row.Id, row.Timestamp.ToString("O", CultureInfo.InvariantCulture), row.ActionType, Csv.Text(row.ResourceType), Csv.Text(row.ResourceId),
                        row.UserId, Csv.Text(row.IpAddress), Csv.Text(row.UserAgent), Csv.Text(row.RequestId), Csv.Text(row.Metadata)));
                }

                return Results.Empty;
            })
            .WithSummary("The audit trail as CSV, streamed")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
    }

    /// <summary>The query-string filters (snake_case, per the API conventions).</summary>
    internal sealed record FilterParameters(
        [property: FromQuery(Name = "user_id")] Guid? UserId,
        [property: FromQuery(Name = "resource_type")] string? ResourceType,
        [property: FromQuery(Name = "resource_id")] string? ResourceId,
        [property: FromQuery(Name = "action_type")] string? ActionType,
        [property: FromQuery(Name = "from")] DateTimeOffset? From,
        [property: FromQuery(Name = "to")] DateTimeOffset? To)
    {
        public AuditLogFilter ToFilter() => new(UserId, ResourceType, ResourceId, ActionType?.ToUpperInvariant(), From, To);
    }
}
