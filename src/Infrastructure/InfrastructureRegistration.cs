using EvaraTech.Application.IntegrationEvents;
using EvaraTech.Application.Persistence;
using EvaraTech.Infrastructure.Caching;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Infrastructure.Health;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Infrastructure.Migrations;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Infrastructure.Redis;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace EvaraTech.Infrastructure;

public static class InfrastructureRegistration
{
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddInfrastructure(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.Configure<DatabaseOptions>(configuration.GetSection(DatabaseOptions.Section));
        services.AddSingleton(TimeProvider.System);

        services.AddNpgsqlDataSource(ConnectionStrings.Postgres(configuration));
        services.AddScoped<DbSession>();
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<DbSession>());

        // Registered before Hangfire's server so the schema is current before any job runs.
        services.AddSingleton<DatabaseMigrationService>();
        services.AddHostedService(provider => provider.GetRequiredService<DatabaseMigrationService>());

        services.Configure<OutboxOptions>(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<IntegrationEventTypes>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<OutboxDispatchQueue>();
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatchQueue>());
        services.AddSingleton<DeadLetters>();
        services.AddRecurringJob<OutboxSweeper>(ServiceLifetime.Singleton);
        services.AddRecurringJob<OutboxPruning>(ServiceLifetime.Singleton);
        services.AddScoped<IIntegrationEventPublisher, OutboxPublisher>();

        var health = services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy, [ReadyTag]);

        services.AddHybridCache().AddSerializerFactory<ReadCacheSerializerFactory>();
        services.AddSingleton<ReadCache>();
        services.AddScoped<CacheUsage>();
        if (ConnectionStrings.Redis(configuration) is { } redis)
        {
            services.AddRedis(redis);
            health.AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [ReadyTag]);
            // The read cache's L2, on the process's one multiplexer.
            services.AddStackExchangeRedisCache(_ => { });
            services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((options, provider) =>
            {
                options.InstanceName = "evaratech:l2:";
                options.ConnectionMultiplexerFactory = () => Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>());
            });
        }

        builder.AddJobs();
        builder.AddObservability();
        return builder;
    }
}
