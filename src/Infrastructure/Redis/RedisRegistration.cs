using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace EvaraTech.Infrastructure.Redis;

internal static class RedisRegistration
{
    /// <summary>
    /// Registers one multiplexer for the process. It never fails start-up: with Redis down the platform runs
    /// on local caches and reconnects in the background when Redis returns.
    /// </summary>
    public static void AddRedis(this IServiceCollection services, string connectionString)
    {
        services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            return ConnectionMultiplexer.Connect(options);
        });
    }
}
