using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace EvaraTech.Simulator.Faults;

/// <summary>The faults in force, changed at runtime through <c>/_simulator/faults</c>.</summary>
public sealed class FaultRegistry
{
    private static readonly FaultSettings None = new();

    private readonly ConcurrentDictionary<long, FaultSettings> _byChannel = new();
    private FaultSettings _global = None;

    public FaultRegistry(IOptions<SimulatorOptions> options)
    {
        foreach (var settings in options.Value.Faults)
        {
            Set(settings);
        }
    }

    public FaultSettings For(long channelId) => _byChannel.GetValueOrDefault(channelId) ?? Volatile.Read(ref _global);

    public void Set(FaultSettings settings)
    {
        if (settings.ChannelId is { } id)
        {
            _byChannel[id] = settings;
        }
        else
        {
            Volatile.Write(ref _global, settings);
        }
    }

    public void Clear()
    {
        _byChannel.Clear();
        Volatile.Write(ref _global, None);
    }

    public IReadOnlyList<FaultSettings> All() => [Volatile.Read(ref _global), .. _byChannel.Values];
}
