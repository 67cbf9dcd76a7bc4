using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// The identity provider's public keys, fetched from its JWKS endpoint, cached, and refreshed when a token names
/// a key id we have not seen (key rotation) — at most once per <c>Auth:JwksMinimumRefreshInterval</c>, so a flood
/// of tokens with random key ids cannot turn into a flood of requests.
/// </summary>
public sealed class JwksKeyCache(IHttpClientFactory httpClients, IOptions<JwtOptions> options, TimeProvider clock, ILogger<JwksKeyCache> logger)
{
    public const string HttpClientName = "jwks";
    public static readonly TimeSpan MaximumAge = TimeSpan.FromMinutes(10);

    private readonly Lock _gate = new();
    private IReadOnlyList<JsonWebKey> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    /// <summary>Asymmetric keys for a token's <c>kid</c> (all keys when it names none).</summary>
    public IEnumerable<SecurityKey> KeysFor(string? keyId)
    {
        if (string.IsNullOrEmpty(options.Value.JwksUrl))
        {
            return [];
        }

        var keys = _keys;
        var stale = clock.GetUtcNow() - _fetchedAt > MaximumAge;
        var unknown = keyId is not null && keys.All(k => k.KeyId != keyId);
        if (stale || unknown)
        {
            keys = Refresh();
        }

        return keys.Where(k => keyId is null || k.KeyId == keyId);
    }

    private IReadOnlyList<JsonWebKey> Refresh()
    {
        lock (_gate)
        {
            if (clock.GetUtcNow() - _fetchedAt < options.Value.JwksMinimumRefreshInterval)
            {
                return _keys;
            }

            try
            {
                // The token validator's key resolver is synchronous; this runs only on rotation or expiry.
                using var client = httpClients.CreateClient(HttpClientName);
                var json = client.GetStringAsync(options.Value.JwksUrl).GetAwaiter().GetResult();
                _keys = [.. new JsonWebKeySet(json).Keys.Where(k => k.Kty is "RSA" or "EC")];
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or ArgumentException)
            {
                logger.LogWarning(ex, "Could not refresh the JWKS from {Url}; keeping {Count} cached keys", options.Value.JwksUrl, _keys.Count);
            }

            _fetchedAt = clock.GetUtcNow();
            return _keys;
        }
    }
}
