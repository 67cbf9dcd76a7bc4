using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace EvaraTech.Infrastructure.Health;

/// <summary>Redis is an accelerator, not a dependency: its absence degrades readiness rather than failing it.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Degraded("Redis is unreachable; caches are local and realtime is single-instance.");
        }
    }
}
