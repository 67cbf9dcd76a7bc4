using EvaraTech.Simulator.Faults;

namespace EvaraTech.Simulator;

/// <summary>The <c>Simulator</c> configuration section; every value has a default, so the simulator needs no settings file.</summary>
public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>One entry per channel on a grid of this many seconds.</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>How far back entries exist; older instants answer nothing, as if ThingSpeak had dropped them.</summary>
    public int HistoryDays { get; set; } = 7;

    /// <summary>Synthetic channels for load tests, ids from <see cref="Channels.ChannelCatalog.FirstExtraChannelId"/> up.</summary>
    public int ExtraChannels { get; set; }

    /// <summary>When set, the admin endpoints also accept non-loopback callers that send it as <c>X-Simulator-Token</c>.</summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// The platform's MQTT broker (<c>mqtt://host:port</c>): when set, the demo devices that report over MQTT publish
    /// their entries there as they come due, as a device flashed for ThingSpeak's MQTT API would.
    /// </summary>
    public string? MqttUrl { get; set; }

    /// <summary>The MQTT demo devices' password (the platform's <c>Demo:MqttPassword</c>).</summary>
    public string? MqttPassword { get; set; }

    /// <summary>Faults in force from the start (a set without <c>channelId</c> is the global one).</summary>
    public List<FaultSettings> Faults { get; set; } = [];
}
