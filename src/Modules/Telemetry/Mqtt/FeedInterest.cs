using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using MQTTnet.Server;
using StackExchange.Redis;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>
/// Which nodes' feeds anyone subscribes to, on any instance, so that <see cref="SubscriptionFeed"/> does nothing (no
/// look-up, no fan-out) for the readings of the many nodes nobody follows. A subscription is announced to every instance
/// (through Redis) before the client gets its SUBACK, and holds for <see cref="Lasts"/>; each instance announces its
/// subscribers' nodes again every <see cref="Renew"/> while their sessions last, and at once when another instance
/// starts. An interest that outlives its subscription costs only the look-up it would have spared.
/// </summary>
public sealed class FeedInterest(MqttServer server, TimeProvider clock, IServiceProvider services, ILogger<FeedInterest> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lasts = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan Renew = TimeSpan.FromMinutes(1);
    private static readonly RedisChannel Channel = RedisChannel.Literal("evaratech:mqtt:feed-interest");

    /// <summary>What a starting instance says, so that the others announce what their subscribers follow.</summary>
    private const string Hello = "hello";

    private readonly IConnectionMultiplexer? _redis = services.GetService<IConnectionMultiplexer>();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _followedUntil = new();

    /// <summary>This broker's subscribers: client id → the node whose feed it follows.</summary>
    private readonly ConcurrentDictionary<string, Guid> _subscribers = new(StringComparer.Ordinal);

    public bool IsFollowed(Guid nodeId) => _followedUntil.TryGetValue(nodeId, out var until) && until > clock.GetUtcNow();

    /// <summary>A client of this broker is being granted a subscription to the node's feed.</summary>
    public Task SubscribingAsync(string clientId, Guid nodeId)
    {
        _subscribers[clientId] = nodeId;
        return AnnounceAsync([nodeId]);
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_redis is not null)
        {
            await _redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Heard(message.ToString()));
            await PublishAsync(Hello);
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_redis is not null)
        {
            await _redis.GetSubscriber().UnsubscribeAsync(Channel);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Renew, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await RenewAsync();
        }
    }

    /// <summary>Announces the nodes this broker's subscribers follow, forgetting clients whose sessions have ended.</summary>
    private async Task RenewAsync()
    {
        try
        {
            if (_subscribers.IsEmpty)
            {
                return;
            }

            var sessions = (await server.GetSessionsAsync()).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var ended in _subscribers.Keys.Where(id => !sessions.Contains(id)))
            {
                _subscribers.TryRemove(ended, out _);
            }

            await AnnounceAsync([.. _subscribers.Values.Distinct()]);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "The MQTT feed's subscribers could not be announced; the next minute tries again");
        }
    }

    private async Task AnnounceAsync(IReadOnlyCollection<Guid> nodeIds)
    {
        if (nodeIds.Count == 0)
        {
            return;
        }

        Follow(nodeIds);
        await PublishAsync(string.Join(',', nodeIds));
    }

    private async Task PublishAsync(string message)
    {
        if (_redis is not { IsConnected: true })
        {
            // Without Redis the feed reaches this instance's subscribers only, and this instance knows them.
            return;
        }

        try
        {
            await _redis.GetSubscriber().PublishAsync(Channel, message);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "The MQTT feed's subscribers could not be announced to the other instances");
        }
    }

    private void Heard(string message)
    {
        if (message == Hello)
        {
            _ = RenewAsync();
            return;
        }

        Follow([.. message.Split(',').Select(id => Guid.TryParse(id, out var node) ? node : Guid.Empty).Where(node => node != Guid.Empty)]);
    }

    private void Follow(IEnumerable<Guid> nodeIds)
    {
        var until = clock.GetUtcNow() + Lasts;
        foreach (var node in nodeIds)
        {
            _followedUntil[node] = until;
        }
    }
}
