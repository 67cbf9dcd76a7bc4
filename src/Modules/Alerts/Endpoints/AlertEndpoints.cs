using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Alerts.Application;
using EvaraTech.Modules.Alerts.Application.AcknowledgeAlert;
using EvaraTech.Modules.Alerts.Application.AlertStats;
using EvaraTech.Modules.Alerts.Application.BacktestAlertRule;
using EvaraTech.Modules.Alerts.Application.CreateAlertRule;
using EvaraTech.Modules.Alerts.Application.DeleteAlertRule;
using EvaraTech.Modules.Alerts.Application.GetAlertRule;
using EvaraTech.Modules.Alerts.Application.ListAlertRules;
using EvaraTech.Modules.Alerts.Application.ListAlerts;
using EvaraTech.Modules.Alerts.Application.ManualResolution;
using EvaraTech.Modules.Alerts.Application.UpdateAlertRule;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Alerts.Endpoints;

/// <summary>Alert rules (versioned: ETag, If-Match on change) and alerts. Each route binds, sends one message and shapes the envelope.</summary>
internal static class AlertEndpoints
{
    public const string BacktestRateLimit = "backtest";

    public static void MapAlertEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var rules = endpoints.MapGroup("/alert-rules").WithTags("Alert rules");

        rules.MapPost("/backtest", async (AlertRuleInput body, ISender sender, HttpContext context, CancellationToken ct, int? days = null) =>
                ApiResults.Ok(context, await sender.Send(new BacktestAlertRuleQuery(body, days), ct)))
            .RequireRateLimiting(BacktestRateLimit)
            .WithSummary("Backtest a rule over stored history")
            .WithDescription("Answers the alerts the rule (as it would be created or replaced) would have raised over the last `days` days (1 to 30, "
                + "default 7) of its nodes' raw readings, evaluated with the live evaluation's code and cooldown. Nothing is stored. "
                + "Limited per user per minute (429 beyond).")
            .Returns<BacktestResult>();

        rules.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct, int page = 1, int limit = PageRequest.DefaultLimit,
                [FromQuery(Name = "node_id")] Guid? nodeId = null, string? search = null, string? sort = null) =>
            ApiResults.Page(context, await sender.Send(new ListAlertRulesQuery(new PageRequest(page, limit), nodeId, search, sort), ct)))
            .Returns<IReadOnlyList<AlertRuleDto>>();

        rules.MapPost("/", async (AlertRuleInput body, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            var created = await sender.Send(new CreateAlertRuleCommand(body), ct);
            Versioning.SetETag(context, created.Version);
            return ApiResults.Created(context, $"/api/v1/alert-rules/{created.Id}", created);
        })
            .Returns<AlertRuleDto>(StatusCodes.Status201Created);

        rules.MapGet("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            Rule(context, await sender.Send(new GetAlertRuleQuery(id), ct)))
            .Returns<AlertRuleDto>();

        rules.MapPut("/{id:guid}", async (Guid id, AlertRuleInput body, ISender sender, HttpContext context, CancellationToken ct) =>
            Rule(context, await sender.Send(new UpdateAlertRuleCommand(id, Versioning.RequiredVersion(context), body), ct)))
            .Returns<AlertRuleDto>();

        rules.MapDelete("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            await sender.Send(new DeleteAlertRuleCommand(id, Versioning.RequiredVersion(context)), ct);
            return Results.NoContent();
        })
            .ReturnsNoContent();

        var alerts = endpoints.MapGroup("/alerts").WithTags("Alerts");

        alerts.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct, string? view = null,
            [FromQuery(Name = "severity")] string[]? severity = null, [FromQuery(Name = "status")] string[]? status = null,
            [FromQuery(Name = "node_id")] Guid? nodeId = null, [FromQuery(Name = "community_id")] Guid? communityId = null,
            string? from = null, string? to = null, int limit = ListAlertsQuery.DefaultLimit, string? cursor = null) =>
        {
            var page = await sender.Send(new ListAlertsQuery(view, severity ?? [], status ?? [], nodeId, communityId, from, to, limit, cursor), ct);
            return ApiResults.Ok(context, page.Items, new PaginationMeta(page.Limit, NextCursor: page.NextCursor));
        })
            .Returns<IReadOnlyList<AlertDto>>();

        alerts.MapGet("/stats", async (ISender sender, HttpContext context, CancellationToken ct,
                [FromQuery(Name = "node_id")] Guid? nodeId = null, [FromQuery(Name = "community_id")] Guid? communityId = null,
                string? from = null, string? to = null) =>
            ApiResults.Ok(context, await sender.Send(new GetAlertStatsQuery(nodeId, communityId, from, to), ct)))
            .Returns<AlertStats>();

        alerts.MapPost("/{id:guid}/acknowledge", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new AcknowledgeAlertCommand(id), ct)))
            .Returns<AlertDto>();

        alerts.MapPost("/{id:guid}/resolve", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.Ok(context, await sender.Send(new ResolveAlertCommand(id), ct)))
            .Returns<AlertDto>();
    }

    private static IResult Rule(HttpContext context, AlertRuleDto rule) => ApiResults.Versioned(context, rule, rule.Version);
}
