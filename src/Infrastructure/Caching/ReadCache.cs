using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EvaraTech.Infrastructure.Observability;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace EvaraTech.Infrastructure.Caching;

/// <summary>Whether this request's cached reads were all served from the cache (<c>meta.cached</c>).</summary>
public sealed class CacheUsage
{
    private int _hits;
    private int _misses;

    public bool Served => _hits > 0 && _misses == 0;

    private static readonly Counter<long> Lookups = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.cache.lookups", description: "Read-cache look-ups by result (hit, miss); the hit ratio is hits over all");

    internal void Record(bool hit)
    {
        Interlocked.Increment(ref hit ? ref _hits : ref _misses);
        Lookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
    }
}

/// <summary>
/// The read cache: L1 in process and L2 in Redis (<see cref="HybridCache"/>), for hot reads that change rarely. Entries
/// live in regions (for example one node, or every node list); a write invalidates its regions after it commits by
/// bumping their generation in Redis, and every read first fetches the current generations (one round trip), so no read
/// after a successful write returns stale data, on this instance or any other. Without Redis configured the
/// generations are kept in process (one instance); with Redis configured but down the cache is bypassed (reads go to
/// the database), and when Redis returns a new epoch retires everything cached before, including what a write during
/// the outage could not invalidate.
/// </summary>
public sealed class ReadCache
{
    private const string EpochKey = "evaratech:cache:epoch";
    private const string GenerationPrefix = "evaratech:cache:gen:";

    private static readonly HybridCacheEntryOptions Entry = new() { Expiration = TimeSpan.FromMinutes(5), LocalCacheExpiration = TimeSpan.FromMinutes(1) };

    private readonly HybridCache _cache;
    private readonly IConnectionMultiplexer? _redis;
    private readonly ILogger<ReadCache> _logger;
    private readonly ConcurrentDictionary<string, long> _localGenerations = new(StringComparer.Ordinal);
    private int _degraded;

    public ReadCache(HybridCache cache, IServiceProvider services, ILogger<ReadCache> logger)
    {
        _cache = cache;
        _redis = services.GetService<IConnectionMultiplexer>();
        _logger = logger;
        if (_redis is not null)
        {
            _redis.ConnectionFailed += (_, _) => Degrade("connection failed");
            _redis.ConnectionRestored += (_, _) => _ = RecoverAsync();
        }
    }

    /// <summary>The value under <paramref name="key"/> in <paramref name="region"/>, from the cache or made by <paramref name="factory"/>.</summary>
    public async Task<T> GetOrCreateAsync<T>(string region, string key, Func<CancellationToken, Task<T>> factory, CacheUsage usage, CancellationToken ct)
    {
        if (await VersionAsync(region) is not { } version)
        {
            usage.Record(hit: false);
            return await factory(ct);
        }

        var made = false;
        var value = await _cache.GetOrCreateAsync($"{region}:{version}:{key}", async token =>
        {
            made = true;
            return await factory(token);
        }, Entry, cancellationToken: ct);
        usage.Record(hit: !made);
        return value;
    }

    /// <summary>Retires everything cached in the regions (call it once the write has committed).</summary>
    public async Task InvalidateAsync(IReadOnlyCollection<string> regions)
    {
        if (_redis is null)
        {
            foreach (var region in regions)
            {
                _localGenerations.AddOrUpdate(region, 1, (_, generation) => generation + 1);
            }

            return;
        }

        if (!_redis.IsConnected)
        {
            // Nothing can be told now (and waiting for Redis would hold the write up); the epoch bumped when Redis
            // returns retires these entries too.
            Degrade("disconnected");
            return;
        }

        try
        {
            var batch = _redis.GetDatabase().CreateBatch();
            var increments = regions.Select(region => batch.StringIncrementAsync(GenerationPrefix + region)).ToList();
            batch.Execute();
            await Task.WhenAll(increments);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Nothing can be told now; the epoch bumped when Redis returns retires these entries too.
            Degrade(ex.Message);
        }
    }

    /// <returns>the epoch and the region's generation, or null when the cache must be bypassed</returns>
    private async Task<string?> VersionAsync(string region)
    {
        if (_redis is null)
        {
            return $"0.{_localGenerations.GetValueOrDefault(region)}";
        }

        if (Volatile.Read(ref _degraded) == 1 || !_redis.IsConnected)
        {
            return null;
        }

        try
        {
            var values = await _redis.GetDatabase().StringGetAsync([EpochKey, GenerationPrefix + region]);
            return $"{(long?)values[0] ?? 0}.{(long?)values[1] ?? 0}";
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Degrade(ex.Message);
            return null;
        }
    }

    private void Degrade(string reason)
    {
        if (Interlocked.Exchange(ref _degraded, 1) == 0)
        {
            _logger.LogWarning("Redis is unreachable ({Reason}): the read cache is bypassed until it returns", reason);
        }
    }

    private async Task RecoverAsync()
    {
        try
        {
            await _redis!.GetDatabase().StringIncrementAsync(EpochKey);
            if (Interlocked.Exchange(ref _degraded, 0) == 1)
            {
                _logger.LogInformation("Redis is back: the read cache serves again from a new epoch");
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Degrade(ex.Message);
        }
    }
}
