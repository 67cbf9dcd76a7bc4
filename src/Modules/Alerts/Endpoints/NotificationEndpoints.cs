using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Alerts.Application;
using EvaraTech.Modules.Alerts.Application.CreateNotificationRule;
using EvaraTech.Modules.Alerts.Application.DeleteNotificationRule;
using EvaraTech.Modules.Alerts.Application.GetNotificationRule;
using EvaraTech.Modules.Alerts.Application.ListNotificationRules;
using EvaraTech.Modules.Alerts.Application.NotificationLog;
using EvaraTech.Modules.Alerts.Application.TestNotificationRule;
using EvaraTech.Modules.Alerts.Application.UpdateNotificationRule;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Alerts.Endpoints;

/// <summary>The caller's own notification rules (versioned: ETag, If-Match on change) and delivery log.</summary>
internal static class NotificationEndpoints
{
    public const string TestRateLimit = "notification-test";

    public static void MapNotificationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rules = endpoints.MapGroup("/notification-rules").WithTags("Notifications");

        rules.MapPost("/{id:guid}/test", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
                ApiResults.Ok(context, await sender.Send(new TestNotificationRuleCommand(id), ct)))
            .RequireRateLimiting(TestRateLimit)
            .WithSummary("Send a rule's channels a test message")
            .WithDescription("Sends every channel of one of the caller's rules a test message now (a webhook's signed as every delivery is, of type "
                + "`test`) and answers how each receiver took it: delivered or not, its HTTP status and the start of its answer. Nothing is stored "
                + "or retried. Limited per user per minute (429 beyond).")
            .Returns<NotificationTestResult>();

        rules.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct, int page = 1, int limit = PageRequest.DefaultLimit) =>
            ApiResults.Page(context, await sender.Send(new ListNotificationRulesQuery(new PageRequest(page, limit)), ct)))
            .Returns<IReadOnlyList<NotificationRuleDto>>();

        rules.MapPost("/", async (NotificationRuleInput body, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            var created = await sender.Send(new CreateNotificationRuleCommand(body), ct);
            Versioning.SetETag(context, created.Version);
            return ApiResults.Created(context, $"/api/v1/notification-rules/{created.Id}", created);
        })
            .Returns<NotificationRuleDto>(StatusCodes.Status201Created);

        rules.MapGet("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            Rule(context, await sender.Send(new GetNotificationRuleQuery(id), ct)))
            .Returns<NotificationRuleDto>();

        rules.MapPut("/{id:guid}", async (Guid id, NotificationRuleInput body, ISender sender, HttpContext context, CancellationToken ct) =>
            Rule(context, await sender.Send(new UpdateNotificationRuleCommand(id, Versioning.RequiredVersion(context), body), ct)))
            .Returns<NotificationRuleDto>();

        rules.MapDelete("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            await sender.Send(new DeleteNotificationRuleCommand(id, Versioning.RequiredVersion(context)), ct);
            return Results.NoContent();
        })
            .ReturnsNoContent();

        endpoints.MapGet("/notifications", async (ISender sender, HttpContext context, CancellationToken ct, int page = 1,
                int limit = PageRequest.DefaultLimit, string? status = null, [FromQuery(Name = "alert_id")] Guid? alertId = null) =>
            ApiResults.Page(context, await sender.Send(new ListNotificationDeliveriesQuery(new PageRequest(page, limit), status, alertId), ct)))
            .WithTags("Notifications")
            .Returns<IReadOnlyList<DeliveryDto>>();
    }

    private static IResult Rule(HttpContext context, NotificationRuleDto rule) => ApiResults.Versioned(context, rule, rule.Version);
}
