using EvaraTech.Demo;
using EvaraTech.Simulator.Channels;
using Microsoft.Extensions.Options;

namespace EvaraTech.Simulator.Signals;

/// <summary>One feed entry: field N's value is <c>Values[N-1]</c>, a ThingSpeak string or null.</summary>
public sealed record FeedEntry(long EntryId, DateTimeOffset CreatedAt, string?[] Values);

/// <summary>
/// Computes a channel's entries on demand from the grid and the channel id alone: history within the window exists
/// from the first request, and nothing is stored.
/// </summary>
public sealed class FeedGenerator(IOptions<SimulatorOptions> options, TimeProvider clock)
{
    public const int MaxResults = 8_000;

    // About one reading in a hundred never arrives, one in three hundred is a sensor glitch, one in two hundred
    // lacks a field: enough for the pipeline's gap, spike and null handling to see them every day.
    private const double DropoutRate = 0.01;
    private const double SpikeRate = 0.003;
    private const double NullFieldRate = 0.005;

    private readonly long _interval = options.Value.IntervalSeconds;
    private readonly long _history = options.Value.HistoryDays * 86_400L;

    /// <summary>The entries within [start, end] and the history window, the last <paramref name="results"/> of them, ascending.</summary>
    public IReadOnlyList<FeedEntry> Range(SimChannel channel, DateTimeOffset? start, DateTimeOffset? end, int results)
    {
        var (first, last) = AvailableSlots();
        if (start is { } s)
        {
            first = Math.Max(first, CeilingDiv(s.ToUnixTimeSeconds(), _interval));
        }

        if (end is { } e)
        {
            last = Math.Min(last, e.ToUnixTimeSeconds() / _interval);
        }

        var entries = new List<FeedEntry>(Math.Min(results, 1_024));
        for (var slot = last; slot >= first && entries.Count < results; slot--)
        {
            if (Present(channel.Id, slot))
            {
                entries.Add(Entry(channel, slot));
            }
        }

        entries.Reverse();
        return entries;
    }

    public FeedEntry? Last(SimChannel channel) => Range(channel, null, null, 1).SingleOrDefault();

    private (long First, long Last) AvailableSlots()
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return (CeilingDiv(now - _history, _interval), now / _interval);
    }

    private static bool Present(long channel, long slot) => Noise.Unit(channel, slot, Salt.Dropout) >= DropoutRate;

    private FeedEntry Entry(SimChannel channel, long slot)
    {
        var moment = new Moment(channel.Id, slot, slot * _interval);
        var measures = channel.Device switch
        {
            TankDevice tank => TankSignal.Read(tank, moment),
            FlowDevice flow => FlowSignal.Read(flow, moment),
            DeepDevice deep => DeepSignal.Read(deep, moment),
            _ => throw new InvalidOperationException($"No signal for {channel.Device.GetType().Name}."),
        };

        if (Noise.Unit(channel.Id, slot, Salt.Spike) < SpikeRate)
        {
            var spikeable = measures.Select((m, i) => (m, i)).Where(x => x.m.CanSpike).ToArray();
            var (measure, index) = spikeable[(int)(Noise.Unit(channel.Id, slot, Salt.SpikeField) * spikeable.Length)];
            measures[index] = measure with { Value = measure.Value * 3 + 10 };
        }

        var missing = Noise.Unit(channel.Id, slot, Salt.NullField) < NullFieldRate
            ? measures[(int)(Noise.Unit(channel.Id, slot, Salt.NullFieldChoice) * measures.Length)].Field
            : null;

        // Fields in the channel's own order, looked up by canonical name (a plain loop: this runs 8,000 times a request).
        var byField = new string?[channel.Fields.Count];
        for (var i = 0; i < byField.Length; i++)
        {
            foreach (var measure in measures)
            {
                if (measure.Field == channel.Fields[i])
                {
                    byField[i] = measure.Field == missing ? null : measure.Format();
                }
            }
        }

        var epochSlot = ChannelCatalog.Epoch.ToUnixTimeSeconds() / _interval;
        return new FeedEntry(slot - epochSlot + 1, DateTimeOffset.FromUnixTimeSeconds(slot * _interval), byField);
    }

    // Instants here are after 1970, so the quotients are positive.
    private static long CeilingDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
