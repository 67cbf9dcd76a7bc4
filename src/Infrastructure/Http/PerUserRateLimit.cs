using System.Threading.RateLimiting;
using EvaraTech.Application.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// Routes that cost the platform or a third party more than a read (a backtest over a month of readings, a call out to
/// ThingSpeak or a webhook): a fixed number per signed-in user per minute, beyond that 429 with the envelope.
/// </summary>
public static class PerUserRateLimit
{
    public static IServiceCollection AddPerUserRateLimit(this IServiceCollection services, string policy, int permitsPerMinute) =>
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(policy, context => RateLimitPartition.GetFixedWindowLimiter(
            context.RequestServices.GetRequiredService<ICurrentUser>().UserId?.ToString() ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
}
