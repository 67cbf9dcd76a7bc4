using System.Collections.Concurrent;

namespace EvaraTech.Simulator.Endpoints;

/// <summary>
/// Requests per channel and the most that were ever in flight at once, so a test can prove a poller never asked
/// for one channel twice at the same time.
/// </summary>
public sealed class RequestStats
{
    private readonly ConcurrentDictionary<long, Counters> _channels = new();

    /// <summary>Counts a request as started; disposing the result counts it as finished.</summary>
    public Lease Enter(long channelId)
    {
        var counters = _channels.GetOrAdd(channelId, _ => new Counters());
        var number = Interlocked.Increment(ref counters.Requests);
        var inFlight = Interlocked.Increment(ref counters.InFlight);
        for (var max = Volatile.Read(ref counters.MaxConcurrent); inFlight > max; max = Volatile.Read(ref counters.MaxConcurrent))
        {
            if (Interlocked.CompareExchange(ref counters.MaxConcurrent, inFlight, max) == max)
            {
                break;
            }
        }

        return new Lease(counters, number);
    }

    public IReadOnlyDictionary<long, ChannelStats> Snapshot() =>
        _channels.ToDictionary(c => c.Key, c => new ChannelStats(
            Volatile.Read(ref c.Value.Requests), Volatile.Read(ref c.Value.InFlight), Volatile.Read(ref c.Value.MaxConcurrent)));

    public void Reset() => _channels.Clear();

    public sealed record ChannelStats(long Requests, int InFlight, int MaxConcurrent);

    public readonly struct Lease(Counters counters, long number) : IDisposable
    {
        /// <summary>This request's number on its channel, from 1: what makes the error and 429 rates reproducible.</summary>
        public long Number => number;

        public void Dispose() => Interlocked.Decrement(ref counters.InFlight);
    }

    public sealed class Counters
    {
        internal long Requests;
        internal int InFlight;
        internal int MaxConcurrent;
    }
}
