using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace EvaraTech.Infrastructure.Health;

/// <summary>
/// Redis is an accelerator, not a dependency: its absence degrades readiness rather than failing it, and quickly: a
/// ping waits out the client's whole timeout while the connection is down, longer than a load balancer's probe does,
/// which would take a serving instance out of rotation.
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromMilliseconds(500);

    private static readonly HealthCheckResult Unreachable =
        HealthCheckResult.Degraded("Redis is unreachable; caches are local and realtime is single-instance.");

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return Unreachable;
        }

        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(PingTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return Unreachable;
        }
    }
}
