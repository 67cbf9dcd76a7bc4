using EvaraTech.Demo;

namespace EvaraTech.Simulator.Channels;

/// <summary>
/// One simulated ThingSpeak channel: field N carries <c>Fields[N-1]</c>, a canonical field of <see cref="Type"/> (an
/// analytics type, <see cref="DemoTypes"/>); <see cref="Device"/> sizes the signals (tank depth, flow meter range, pump rating).
/// </summary>
public sealed record SimChannel(long Id, string Name, string ReadKey, string Type, IReadOnlyList<string> Fields, DemoDevice Device);
