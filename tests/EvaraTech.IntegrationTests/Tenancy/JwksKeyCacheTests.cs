using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>The JWKS cache against a real key server: rotation, removal and floods, on a clock the test moves.</summary>
public sealed class JwksKeyCacheTests
{
    private JwksServer _server = null!;
    private ServiceProvider _services = null!;
    private MovableClock _clock = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await JwksServer.StartAsync();
        _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        _clock = new MovableClock(DateTimeOffset.UtcNow);
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    private JwksKeyCache Cache() => new(_services.GetRequiredService<IHttpClientFactory>(),
        Options.Create(new JwtOptions { JwksUrl = _server.Url }), _clock, NullLogger<JwksKeyCache>.Instance);

    [Test]
    public async Task A_key_rotated_in_right_after_a_fetch_is_trusted_at_once()
    {
        var cache = Cache();
        await cache.PrepareAsync(_server.KeyId, CancellationToken.None);

        _server.Rotate();
        await cache.PrepareAsync(_server.KeyId, CancellationToken.None);

        Assert.That(cache.KeysFor(_server.KeyId), Is.Not.Empty);
    }

    [Test]
    public async Task A_key_the_provider_removed_is_not_trusted_beyond_the_maximum_key_age()
    {
        var cache = Cache();
        var removed = _server.KeyId;
        await cache.PrepareAsync(removed, CancellationToken.None);
        _server.Rotate();

        _clock.Advance(new JwtOptions().JwksMaximumKeyAge - TimeSpan.FromSeconds(1));
        Assert.That(cache.KeysFor(removed), Is.Not.Empty, "within the maximum age the cached key still answers");

        _clock.Advance(TimeSpan.FromSeconds(2));
        await cache.PrepareAsync(removed, CancellationToken.None);

        Assert.That(cache.KeysFor(removed), Is.Empty);
    }

    [Test]
    public async Task Past_the_refresh_interval_the_set_is_reread_without_making_the_token_wait()
    {
        var cache = Cache();
        await cache.PrepareAsync(_server.KeyId, CancellationToken.None);
        var before = _server.Requests;

        _clock.Advance(new JwtOptions().JwksRefreshInterval + TimeSpan.FromSeconds(1));
        var prepare = cache.PrepareAsync(_server.KeyId, CancellationToken.None);

        Assert.That(prepare.IsCompletedSuccessfully, Is.True, "a known key does not wait for the refresh");
        Assert.That(() => _server.Requests, Is.EqualTo(before + 1).After(5000, 20));
    }

    [Test]
    public async Task While_the_provider_is_down_known_keys_are_served_without_waiting_on_it_each_time()
    {
        var cache = Cache();
        var known = _server.KeyId;
        await cache.PrepareAsync(known, CancellationToken.None);
        await _server.DisposeAsync();
        _clock.Advance(new JwtOptions().JwksMaximumKeyAge + TimeSpan.FromSeconds(1));

        await cache.PrepareAsync(known, CancellationToken.None); // one attempt, which fails
        var next = cache.PrepareAsync(known, CancellationToken.None);

        Assert.That(next.IsCompletedSuccessfully, Is.True, "the next token did not wait for the unreachable provider");
        Assert.That(cache.KeysFor(known), Is.Not.Empty, "the last published keys stay in use");
        _server = await JwksServer.StartAsync(); // for the tear-down
    }

    [Test]
    public async Task A_flood_of_unknown_key_ids_waits_on_one_fetch()
    {
        var cache = Cache();
        await cache.PrepareAsync(_server.KeyId, CancellationToken.None);
        var before = _server.Requests;

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => cache.PrepareAsync("forged-" + Guid.NewGuid().ToString("N"), CancellationToken.None)));

        Assert.That(_server.Requests - before, Is.EqualTo(1));
    }
}
