using System.Globalization;
using System.Text.Json;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Telemetry.Application.RecordBulkUpdate;
using EvaraTech.Modules.Telemetry.Application.RecordDeviceUpdate;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// ThingSpeak's write API at the site root (<c>GET|POST /update</c> and <c>/update.json</c>), so firmware written for
/// ThingSpeak can point here unchanged: <c>api_key</c> (query, form or JSON body) or the <c>THINGSPEAKAPIKEY</c>
/// header, <c>field1</c>..<c>field8</c>, optional <c>created_at</c>. Answers like ThingSpeak: the entry id, 0 when refused.
/// And its bulk write, <c>POST /channels/{id}/bulk_update.json</c>, answered 202 <c>{"success": true}</c> (with counts).
/// </summary>
internal static class DevicePushEndpoints
{
    /// <summary>A ThingSpeak update is a few hundred bytes; anything near this is not one.</summary>
    public const long BodyLimit = 8 * 1024;

    /// <summary>960 updates of eight fields fit in well under this.</summary>
    public const long BulkBodyLimit = 512 * 1024;

    public static void MapDevicePushRoutes(this IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, json) in new[] { ("/update", false), ("/update.json", true) })
        {
            endpoints.MapMethods(path, ["GET", "POST"], async (HttpContext context, ISender sender, CancellationToken ct) =>
                {
                    var values = await ReadValuesAsync(context, ct);
                    var key = values.GetValueOrDefault("api_key") ?? context.Request.Headers["THINGSPEAKAPIKEY"].FirstOrDefault();
                    var fields = Enumerable.Range(1, 8).Select(i => $"field{i}").Where(values.ContainsKey)
                        .ToDictionary(name => name, name => values[name]);
                    var result = await sender.Send(new RecordDeviceUpdateCommand(key, fields, values.GetValueOrDefault("created_at")), ct);
                    return json
                        ? result.EntryId == 0 ? Results.Json(0) : Results.Json(new { entry_id = result.EntryId, created_at = result.CreatedAt })
                        : Results.Text(result.EntryId.ToString(CultureInfo.InvariantCulture));
                })
                .AllowAnonymous()
                .WithMetadata(new RequestSizeLimitAttribute(BodyLimit))
                .WithTags("Device push")
                .WithSummary("ThingSpeak-compatible update");
        }

        endpoints.MapPost("/channels/{channelId:long}/bulk_update.json", async (long channelId, HttpContext context, ISender sender, CancellationToken ct) =>
            {
                var (key, updates) = BulkUpdateBody.Parse(await RequestBodies.ReadTextAsync(context, BulkBodyLimit, ct));
                var outcome = await sender.Send(new RecordBulkUpdateCommand(channelId, key, updates), ct);
                return Results.Json(new
                {
                    success = true,
                    received = outcome.Received,
                    stored = outcome.Stored,
                    duplicates = outcome.Duplicates,
                    rejected = outcome.Rejected,
                }, statusCode: StatusCodes.Status202Accepted);
            })
            .AllowAnonymous()
            .WithMetadata(new RequestSizeLimitAttribute(BulkBodyLimit))
            .WithTags("Device push")
            .WithSummary("ThingSpeak-compatible bulk update (JSON)");
    }

    /// <summary>The query string, overlaid by a form or JSON body (ThingSpeak accepts all three).</summary>
    private static async Task<Dictionary<string, string?>> ReadValuesAsync(HttpContext context, CancellationToken ct)
    {
        var values = context.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return values;
        }

        var body = await RequestBodies.ReadTextAsync(context, BodyLimit, ct);
        if (context.Request.ContentType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true && body.Length > 0)
        {
            // A body that is not a JSON object adds nothing; without a key the update is refused like ThingSpeak's.
            try
            {
                using var document = JsonDocument.Parse(body);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    values[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException)
            {
                return values;
            }
        }
        else
        {
            foreach (var (name, value) in QueryHelpers.ParseQuery(body))
            {
                values[name] = value.ToString();
            }
        }

        return values;
    }
}
