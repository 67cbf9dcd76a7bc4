using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Every refused or failed password login is audited, also those the handler never saw or could not finish: a body
/// refused at the edge, an unexpected error, the per-client rate limit. The rate limit's refusals are counted into
/// the once-a-minute refused-authentication report, so a flood costs the audit trail one row a minute.
/// </summary>
public sealed class FailedLoginAuditing(RequestDelegate next, ILogger<FailedLoginAuditing> logger)
{
    public const string LoginPath = "/api/v1/auth/login";

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Path.Equals(LoginPath, StringComparison.OrdinalIgnoreCase)
            || context.Response.StatusCode < StatusCodes.Status400BadRequest)
        {
            return;
        }

        var services = context.RequestServices;
        var attempt = services.GetRequiredService<LoginAttempt>();
        if (attempt.Audited)
        {
            return;
        }

        if (context.Response.StatusCode == StatusCodes.Status429TooManyRequests)
        {
            services.GetRequiredService<RefusedTokenReporter>().Record("login_rate_limited");
            return;
        }

        var reason = context.Response.StatusCode >= StatusCodes.Status500InternalServerError ? "error" : "malformed_request";
        try
        {
            await services.GetRequiredService<IIntegrationEventPublisher>().PublishDetachedAsync(new LoginFailed(Guid.CreateVersion7(),
                services.GetRequiredService<TimeProvider>().GetUtcNow(), attempt.Email, reason,
                context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString()), CancellationToken.None);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not audit a failed login ({Reason}) from {Address}", reason, context.Connection.RemoteIpAddress);
        }
    }
}
