using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Simulator.Channels;

/// <summary>
/// One simulated ThingSpeak channel: field N carries <c>Fields[N-1]</c>, a canonical field of <see cref="Type"/>;
/// <see cref="Config"/> sizes the signals (tank depth, flow meter range, pump rating).
/// </summary>
public sealed record SimChannel(long Id, string Name, string ReadKey, AnalyticsType Type, IReadOnlyList<string> Fields, DeviceConfig Config);
