using System.Collections.Frozen;
using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>The published event contracts by their stored name (the type's name), for reading the outbox back.</summary>
public static class IntegrationEventTypes
{
    private static readonly FrozenDictionary<string, Type> ByName = typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static string NameOf(IIntegrationEvent integrationEvent) => integrationEvent.GetType().Name;

    public static Type? Find(string name) => ByName.GetValueOrDefault(name);
}
