using System.Collections.Concurrent;

namespace EvaraTech.Simulator.Endpoints;

/// <summary>
/// Requests per channel and over all channels, and the most that were ever in flight at once, so a test can prove a
/// poller never asked for one channel twice at the same time, or how many it asked for at once.
/// </summary>
public sealed class RequestStats
{
    private readonly ConcurrentDictionary<long, Counters> _channels = new();
    private Counters _all = new();

    /// <summary>The most requests in flight at once, over all channels.</summary>
    public int MaxConcurrent => Volatile.Read(ref Volatile.Read(ref _all).MaxConcurrent);

    /// <summary>Counts a request as started; disposing the result counts it as finished.</summary>
    public Lease Enter(long channelId)
    {
        var counters = _channels.GetOrAdd(channelId, _ => new Counters());
        var all = Volatile.Read(ref _all);
        Count(all);
        return new Lease(counters, all, Count(counters));
    }

    /// <returns>the request's number on <paramref name="counters"/></returns>
    private static long Count(Counters counters)
    {
        var number = Interlocked.Increment(ref counters.Requests);
        var inFlight = Interlocked.Increment(ref counters.InFlight);
        for (var max = Volatile.Read(ref counters.MaxConcurrent); inFlight > max; max = Volatile.Read(ref counters.MaxConcurrent))
        {
            if (Interlocked.CompareExchange(ref counters.MaxConcurrent, inFlight, max) == max)
            {
                break;
            }
        }

        return number;
    }

    public IReadOnlyDictionary<long, ChannelStats> Snapshot() =>
        _channels.ToDictionary(c => c.Key, c => new ChannelStats(
            Volatile.Read(ref c.Value.Requests), Volatile.Read(ref c.Value.InFlight), Volatile.Read(ref c.Value.MaxConcurrent)));

    public void Reset()
    {
        _channels.Clear();
        Volatile.Write(ref _all, new Counters());
    }

    public sealed record ChannelStats(long Requests, int InFlight, int MaxConcurrent);

    public readonly struct Lease(Counters counters, Counters all, long number) : IDisposable
    {
        /// <summary>This request's number on its channel, from 1: what makes the error and 429 rates reproducible.</summary>
        public long Number => number;

        public void Dispose()
        {
            Interlocked.Decrement(ref counters.InFlight);
            Interlocked.Decrement(ref all.InFlight);
        }
    }

    public sealed class Counters
    {
        internal long Requests;
        internal int InFlight;
        internal int MaxConcurrent;
    }
}
