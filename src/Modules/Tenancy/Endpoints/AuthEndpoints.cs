using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Tenancy.Application.AuthWebhook;
using EvaraTech.Modules.Tenancy.Application.GetMe;
using EvaraTech.Modules.Tenancy.Application.Login;
using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Tenancy.Endpoints;

internal static class AuthEndpoints
{
    public const string LoginRateLimit = "login";
    public const long WebhookBodyLimit = 64 * 1024;

    public static void MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<JwtOptions>>().Value;

        if (options.LocalIssuerEnabled)
        {
            endpoints.MapPost("/auth/login", async (LoginCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
                    ApiResults.Ok(context, await sender.Send(command with
                    {
                        ClientAddress = context.Connection.RemoteIpAddress?.ToString(),
                        UserAgent = context.Request.Headers.UserAgent.ToString(),
                    }, ct)))
                .AllowAnonymous()
                .RequireRateLimiting(LoginRateLimit)
                .WithTags("Authentication")
                .WithSummary("Password login (local issuer)")
                .WithDescription("Returns a Supabase-shaped access token. Exists only where the local issuer is enabled (Development, embedded default).")
            .Returns<LoginResult>();
        }

        if (!string.IsNullOrEmpty(options.WebhookSecret))
        {
            endpoints.MapPost("/auth/webhook", async (HttpContext context, ISender sender, CancellationToken ct) =>
                {
                    var body = await RequestBodies.ReadTextAsync(context, WebhookBodyLimit, ct);
                    var headers = context.Request.Headers;
                    return ApiResults.Ok(context, await sender.Send(new ReceiveAuthWebhookCommand(
                        headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"], body), ct));
                })
                .AllowAnonymous()
                .WithMetadata(new RequestSizeLimitAttribute(WebhookBodyLimit))
                .WithTags("Authentication")
                .WithSummary("Identity provider webhook (Standard Webhooks signature)")
                .WithDescription("Upserts the profile of a Supabase auth user (INSERT/UPDATE) or deactivates it (DELETE). Replays are refused.")
            .Returns<AuthWebhookResult>();
        }

        endpoints.MapGet("/me", async (ISender sender, HttpContext context, CancellationToken ct) =>
                ApiResults.Ok(context, await sender.Send(new GetMeQuery(), ct)))
            .WithTags("Authentication")
            .WithSummary("The caller's profile, role, permissions and scope")
            .Returns<MeResponse>();
    }
}
