using System.Collections.Frozen;
using System.Reflection;
using EvaraTech.Application.IntegrationEvents;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>A module's contracts assembly, whose integration events the outbox may carry.</summary>
public sealed record IntegrationEventContracts(Assembly Assembly);

/// <summary>
/// The published event contracts by their stored name (the type's name), for reading the outbox back: every module
/// declares its contracts assembly, so the catalogue knows no module itself.
/// </summary>
public sealed class IntegrationEventTypes(IEnumerable<IntegrationEventContracts> contracts)
{
    private readonly FrozenDictionary<string, Type> _byName = contracts.Select(c => c.Assembly).Distinct()
        .SelectMany(a => a.GetTypes())
        .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IIntegrationEvent).IsAssignableFrom(t))
        .ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static string NameOf(IIntegrationEvent integrationEvent) => integrationEvent.GetType().Name;

    public Type? Find(string name) => _byName.GetValueOrDefault(name);
}
