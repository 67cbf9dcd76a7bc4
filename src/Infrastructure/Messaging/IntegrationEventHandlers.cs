using System.Reflection;
using EvaraTech.Application.IntegrationEvents;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.Infrastructure.Messaging;

public static class IntegrationEventHandlers
{
    /// <summary>Declares the integration events a module publishes (its contracts assembly), so the outbox can read them back.</summary>
    public static IServiceCollection AddIntegrationEventContracts(this IServiceCollection services, Assembly contracts)
    {
        services.AddSingleton(new IntegrationEventContracts(contracts));
        return services;
    }

    /// <summary>
    /// Registers <typeparamref name="THandler"/> (scoped) as the handler of every integration event it implements
    /// <see cref="IIntegrationEventHandler{T}"/> for, one instance per dispatch scope.
    /// </summary>
    public static IServiceCollection AddIntegrationEventHandler<THandler>(this IServiceCollection services)
        where THandler : class
    {
        services.AddScoped<THandler>();
        foreach (var contract in typeof(THandler).GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIntegrationEventHandler<>)))
        {
            services.AddScoped(contract, provider => provider.GetRequiredService<THandler>());
        }

        return services;
    }
}
