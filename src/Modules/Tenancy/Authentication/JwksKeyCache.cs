using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// The identity provider's public keys, fetched from its JWKS endpoint and cached. Before a token is validated,
/// <see cref="PrepareAsync"/> makes sure the cache can answer for it: a key id not seen yet (the provider rotated)
/// or a key set older than <c>Auth:JwksMaximumKeyAge</c> (a removed key must stop being trusted) waits for a fetch;
/// a set older than <c>Auth:JwksRefreshInterval</c> is re-read in the background. Fetches are single-flight and at
/// least <c>Auth:JwksRetryInterval</c> apart, so a flood of tokens with random key ids waits together on one
/// request instead of turning into a flood of requests, and requests for known keys never wait at all.
/// </summary>
public sealed class JwksKeyCache(IHttpClientFactory httpClients, IOptions<JwtOptions> options, TimeProvider clock, ILogger<JwksKeyCache> logger)
{
    public const string HttpClientName = "jwks";

    private readonly Lock _gate = new();
    private KeySet _set = new([], DateTimeOffset.MinValue);
    private Task _fetch = Task.CompletedTask;
    private DateTimeOffset _fetchStartedAt = DateTimeOffset.MinValue;
    private long _failedAtTicks = DateTimeOffset.MinValue.UtcTicks;

    private bool Enabled => !string.IsNullOrEmpty(options.Value.JwksUrl);

    /// <summary>Brings the key set up to date for a token naming <paramref name="keyId"/>, waiting only when it must.</summary>
    public async Task PrepareAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var set = Volatile.Read(ref _set);
        var now = clock.GetUtcNow();
        var age = now - set.FetchedAt;
        var unknown = keyId is not null && set.Keys.All(k => k.KeyId != keyId);
        // While the provider does not answer, known keys are served without waiting on it again and again.
        var providerFailing = now - new DateTimeOffset(Interlocked.Read(ref _failedAtTicks), TimeSpan.Zero) < options.Value.JwksRefreshInterval;
        if (unknown || (age > options.Value.JwksMaximumKeyAge && !providerFailing))
        {
            await FetchAsync().WaitAsync(cancellationToken);
        }
        else if (age > options.Value.JwksRefreshInterval)
        {
            _ = FetchAsync();
        }
    }

    /// <summary>Asymmetric keys for a token's <c>kid</c> (all keys when it names none), from the cache only.</summary>
    public IEnumerable<SecurityKey> KeysFor(string? keyId) =>
        Enabled ? Volatile.Read(ref _set).Keys.Where(k => keyId is null || k.KeyId == keyId) : [];

    /// <summary>The fetch in flight, or a new one started once the retry interval since the last has passed.</summary>
    private Task FetchAsync()
    {
        lock (_gate)
        {
            if (!_fetch.IsCompleted)
            {
                return _fetch;
            }

            var wait = _fetchStartedAt + options.Value.JwksRetryInterval - clock.GetUtcNow();
            _fetchStartedAt = clock.GetUtcNow() + (wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            _fetch = FetchAfterAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            return _fetch;
        }
    }

    private async Task FetchAfterAsync(TimeSpan delay)
    {
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, clock);
        }

        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            var json = await client.GetStringAsync(options.Value.JwksUrl);
            Volatile.Write(ref _set, new KeySet([.. new JsonWebKeySet(json).Keys.Where(k => k.Kty is "RSA" or "EC")], clock.GetUtcNow()));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException)
        {
            // The provider is unreachable: the keys it last published stay trusted rather than locking every user out.
            Interlocked.Exchange(ref _failedAtTicks, clock.GetUtcNow().UtcTicks);
            logger.LogWarning(ex, "Could not refresh the JWKS from {Url}; keeping {Count} cached keys", options.Value.JwksUrl,
                Volatile.Read(ref _set).Keys.Count);
        }
    }

    private sealed record KeySet(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset FetchedAt);
}
