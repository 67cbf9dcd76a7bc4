using System.Globalization;
using System.Text.Json;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Telemetry.Application.RecordBulkUpdate;
using EvaraTech.Modules.Telemetry.Application.RecordDeviceUpdate;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebUtilities;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// ThingSpeak's write API at the site root (<c>GET|POST /update</c> and <c>/update.json</c>), so firmware written for
/// ThingSpeak can point here unchanged: the key as <c>api_key</c> or <c>key</c> (query, form or JSON body) or in the
/// <c>X-THINGSPEAKAPIKEY</c> header (the Arduino library's way; <c>THINGSPEAKAPIKEY</c> too), <c>field1</c>..<c>field8</c>,
/// optional <c>created_at</c> and <c>timezone</c>. Answers like ThingSpeak: the entry id; <c>0</c> with 400 when the key
/// is missing or wrong or the time unreadable; <c>0</c> with 200 when nothing was stored. And its bulk writes,
/// <c>POST /channels/{id}/bulk_update.json</c> and <c>.csv</c>, answered 202 <c>{"success": true}</c> (with counts).
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
                    var fields = EntryFields.Names.Where(values.ContainsKey).ToDictionary(name => name, name => values[name]);
                    var result = await sender.Send(new RecordDeviceUpdateCommand(WriteKey(context, values), fields,
                        values.GetValueOrDefault("created_at"), values.GetValueOrDefault("timezone")), ct);
                    var status = result.Outcome is DeviceUpdateOutcome.Unauthorized or DeviceUpdateOutcome.Malformed
                        ? StatusCodes.Status400BadRequest
                        : StatusCodes.Status200OK;
                    return json
                        ? result.EntryId == 0 ? Results.Json(0, statusCode: status) : Results.Json(new { entry_id = result.EntryId, created_at = result.CreatedAt })
                        : Results.Text(result.EntryId.ToString(CultureInfo.InvariantCulture), statusCode: status);
                })
                .AllowAnonymous()
                .LimitWrongWriteKeys()
                .WithMetadata(new RequestSizeLimitAttribute(BodyLimit))
                .WithTags("Device push")
                .WithSummary("ThingSpeak-compatible update");
        }

        endpoints.MapPost("/channels/{channelId:long}/bulk_update.json", async (long channelId, HttpContext context, ISender sender, CancellationToken ct) =>
            {
                var (key, timezone, updates) = BulkUpdateBody.Parse(await RequestBodies.ReadTextAsync(context, BulkBodyLimit, ct));
                var outcome = await sender.Send(new RecordBulkUpdateCommand(channelId, key, updates, timezone ?? context.Request.Query["timezone"].FirstOrDefault()), ct);
                return Accepted(outcome);
            })
            .AllowAnonymous()
            .LimitWrongWriteKeys()
            .WithMetadata(new RequestSizeLimitAttribute(BulkBodyLimit))
            .WithTags("Device push")
            .WithSummary("ThingSpeak-compatible bulk update (JSON)");

        endpoints.MapPost("/channels/{channelId:long}/bulk_update.csv", async (long channelId, HttpContext context, ISender sender, CancellationToken ct) =>
            {
                var form = QueryHelpers.ParseQuery(await RequestBodies.ReadTextAsync(context, BulkBodyLimit, ct));
                string? Value(string name) => form.TryGetValue(name, out var value) ? value.ToString() : context.Request.Query[name].FirstOrDefault();
                var updates = BulkUpdateCsv.Parse(Value("time_format"), Value("updates"));
                var outcome = await sender.Send(new RecordBulkUpdateCommand(channelId, Value("write_api_key"), updates, Value("timezone")), ct);
                return Accepted(outcome);
            })
            .AllowAnonymous()
            .LimitWrongWriteKeys()
            .WithMetadata(new RequestSizeLimitAttribute(BulkBodyLimit))
            .WithTags("Device push")
            .WithSummary("ThingSpeak-compatible bulk update (CSV)");
    }

    /// <summary>The key wherever ThingSpeak's clients put it: the Arduino library sends only the header.</summary>
    private static string? WriteKey(HttpContext context, Dictionary<string, string?> values) =>
        values.GetValueOrDefault("api_key") ?? values.GetValueOrDefault("key")
        ?? context.Request.Headers["X-THINGSPEAKAPIKEY"].FirstOrDefault() ?? context.Request.Headers["THINGSPEAKAPIKEY"].FirstOrDefault();

    private static IResult Accepted(BatchOutcome outcome) => Results.Json(new
    {
        success = true,
        received = outcome.Received,
        stored = outcome.Stored,
        duplicates = outcome.Duplicates,
        rejected = outcome.Rejected,
        refusedFields = outcome.RefusedFields,
    }, statusCode: StatusCodes.Status202Accepted);

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
