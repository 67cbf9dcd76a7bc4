using EvaraTech.Demo;

namespace EvaraTech.Simulator.Channels;

/// <summary>The channels the simulator serves: the demo nodes' channels and, for load tests, synthetic ones.</summary>
public sealed class ChannelCatalog
{
    public const long FirstExtraChannelId = 3_000_000;

    /// <summary>Every channel's <c>created_at</c> and entry 1; entry ids count grid intervals from here.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly string[] TypeCycle = [DemoTypes.Tank, DemoTypes.Flow, DemoTypes.Deep];

    private readonly Dictionary<long, SimChannel> _channels;

    public ChannelCatalog(int extraChannels)
    {
        var demo = DemoCatalogue.Nodes.Select(n =>
            new SimChannel(n.ChannelId, n.Label, n.ReadKey, n.AnalyticsType, FieldsOf(n.AnalyticsType), n.Device));
        _channels = demo.Concat(Enumerable.Range(0, extraChannels).Select(Extra)).ToDictionary(c => c.Id);
    }

    public SimChannel? Find(long id) => _channels.GetValueOrDefault(id);

    /// <summary>
    /// A synthetic channel cycles tank, flow, deep and borrows the device sizes of a demo node of that type, so load
    /// tests see the same mix of signals as the demo.
    /// </summary>
    private static SimChannel Extra(int index)
    {
        var type = TypeCycle[index % TypeCycle.Length];
        var sameType = DemoCatalogue.Nodes.Where(n => n.AnalyticsType == type).ToArray();
        var model = sameType[index / TypeCycle.Length % sameType.Length];
        var id = FirstExtraChannelId + index;
        return new SimChannel(id, $"Simulated {type} {id}", $"SIMKEY{id}", type, FieldsOf(type), model.Device);
    }

    private static string[] FieldsOf(string analyticsType) => [.. DemoCatalogue.MappedFields[analyticsType].Select(f => f.Name)];
}
