using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Nodes.Contracts;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>The <c>DevicePush</c> settings for pushes with keys no channel has.</summary>
public sealed class WrongWriteKeyOptions
{
    public const string Section = "DevicePush";

    /// <summary>Wrong write keys one client address may present in a minute; past it, its pushes are refused (429) until the minute ends.</summary>
    public int WrongKeysPerClientPerMinute { get; set; } = 20;
}

/// <summary>
/// Wrong write keys per client address (<c>/update</c>, bulk and gateway pushes alike), so keys cannot be guessed
/// at the speed of the network: past the limit an address is refused until its minute ends. Every wrong key is
/// counted in the <c>evaratech.device_push.wrong_keys</c> metric. Per instance, like the other request rate limits.
/// </summary>
public sealed class WrongWriteKeys(IOptions<WrongWriteKeyOptions> options, TimeProvider clock)
{
    private static readonly Counter<long> Wrong = PlatformMetrics.Meter.CreateCounter<long>("evaratech.device_push.wrong_keys", description: "Pushes with a write key no channel has");
    private static readonly Counter<long> Refused = PlatformMetrics.Meter.CreateCounter<long>("evaratech.device_push.throttled", description: "Pushes refused while their address was over the wrong-key limit");

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, Tally> _tallies = new(StringComparer.Ordinal);

    /// <returns>how long the address must still wait, or null when it may push</returns>
    public TimeSpan? WaitFor(string? address)
    {
        if (!_tallies.TryGetValue(address ?? "unknown", out var tally))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        lock (tally)
        {
            if (now - tally.WindowStart >= Window || tally.Count < options.Value.WrongKeysPerClientPerMinute)
            {
                return null;
            }
        }

        Refused.Add(1);
        return tally.WindowStart + Window - now;
    }

    public void Record(string? address)
    {
        Wrong.Add(1);
        var now = clock.GetUtcNow();
        var tally = _tallies.GetOrAdd(address ?? "unknown", _ => new Tally { WindowStart = now });
        lock (tally)
        {
            if (now - tally.WindowStart >= Window)
            {
                tally.WindowStart = now;
                tally.Count = 0;
            }

            tally.Count++;
        }

        if (_tallies.Count > 10_000)
        {
            foreach (var stale in _tallies.Where(t => now - t.Value.WindowStart >= Window))
            {
                _tallies.TryRemove(stale.Key, out _);
            }
        }
    }

    private sealed class Tally
    {
        public DateTimeOffset WindowStart { get; set; }

        public int Count { get; set; }
    }
}

/// <summary>The address a device push came from, set at the edge for the handlers that look its key up (one per request).</summary>
public sealed class PushingClient
{
    public string? Address { get; set; }
}

/// <summary>
/// Finds the node of a pushed write key, counting the keys no channel has against the pushing address; checked before
/// every look-up, so a gateway batch of many keys cannot test more than the limit allows.
/// </summary>
public sealed class WriteKeyLookup(INodeIngestionSources sources, WrongWriteKeys wrongKeys, PushingClient client)
{
    public async Task<Guid?> FindAsync(string writeKey, CancellationToken cancellationToken)
    {
        if (wrongKeys.WaitFor(client.Address) is { } wait)
        {
            throw new AppException(ErrorKind.TooManyRequests, ErrorCodes.RateLimited,
                "Too many wrong write keys from this address; wait before pushing again.") { RetryAfter = wait };
        }

        var nodeId = await sources.FindByWriteKeyAsync(writeKey, cancellationToken);
        if (nodeId is null)
        {
            wrongKeys.Record(client.Address);
        }

        return nodeId;
    }
}
