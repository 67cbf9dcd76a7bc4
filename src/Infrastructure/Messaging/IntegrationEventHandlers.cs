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
        return services.AddContractsOf(typeof(THandler), ServiceLifetime.Scoped);
    }

    /// <summary>Registers one instance as the handler of every integration event its type implements the handler contract for.</summary>
    public static IServiceCollection AddIntegrationEventHandler(this IServiceCollection services, object handler)
    {
        services.AddSingleton(handler.GetType(), handler);
        return services.AddContractsOf(handler.GetType(), ServiceLifetime.Singleton);
    }

    /// <remarks>
    /// The dispatcher finds an event's handlers through their contracts and runs each by its own type, so that a
    /// delivery builds only the handler it runs: both registrations are needed.
    /// </remarks>
    private static IServiceCollection AddContractsOf(this IServiceCollection services, Type handlerType, ServiceLifetime lifetime)
    {
        foreach (var contract in handlerType.GetInterfaces()
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IIntegrationEventHandler<>)))
        {
            services.Add(new ServiceDescriptor(contract, provider => provider.GetRequiredService(handlerType), lifetime));
        }

        return services;
    }
}
