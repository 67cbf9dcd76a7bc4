using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace EvaraTech.Modules.Realtime;

/// <summary>
/// The hub's connections and groups, kept both in the Redis backplane and in this instance alone. While Redis answers,
/// sends go through the backplane (clients of every instance hear them); while it is down, through the local manager,
/// so this instance's clients still hear this instance's events. The multiplexer reconnects by itself, and with it the
/// backplane: nothing restarts.
/// </summary>
public sealed class FallbackHubLifetimeManager(
    RedisHubLifetimeManager<RealtimeHub> backplane, DefaultHubLifetimeManager<RealtimeHub> local, IConnectionMultiplexer redis,
    ILogger<FallbackHubLifetimeManager> logger) : HubLifetimeManager<RealtimeHub>
{
    private int _outage;

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await local.OnConnectedAsync(connection);
        await BackplaneAsync(() => backplane.OnConnectedAsync(connection));
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        await local.OnDisconnectedAsync(connection);
        await BackplaneAsync(() => backplane.OnDisconnectedAsync(connection));
    }

    public override async Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await local.AddToGroupAsync(connectionId, groupName, cancellationToken);
        await BackplaneAsync(() => backplane.AddToGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override async Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default)
    {
        await local.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);
        await BackplaneAsync(() => backplane.RemoveFromGroupAsync(connectionId, groupName, cancellationToken));
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendAllAsync(methodName, args, cancellationToken));

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendConnectionAsync(connectionId, methodName, args, cancellationToken));

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken));

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupAsync(groupName, methodName, args, cancellationToken));

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupsAsync(groupNames, methodName, args, cancellationToken));

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds,
        CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken));

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendUserAsync(userId, methodName, args, cancellationToken));

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAsync(m => m.SendUsersAsync(userIds, methodName, args, cancellationToken));

    private async Task SendAsync(Func<HubLifetimeManager<RealtimeHub>, Task> send)
    {
        if (redis.IsConnected)
        {
            try
            {
                await send(backplane);
                Interlocked.Exchange(ref _outage, 0);
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                Outage(ex);
            }
        }

        await send(local);
    }

    /// <summary>Logged once per outage, not once per message.</summary>
    private void Outage(Exception ex)
    {
        if (Interlocked.Exchange(ref _outage, 1) == 0)
        {
            logger.LogWarning(ex, "The Redis backplane is unreachable; realtime is served by each instance to its own clients until it returns");
        }
    }

    /// <summary>Membership in the backplane is best effort while Redis is down; the local manager has it regardless.</summary>
    private async Task BackplaneAsync(Func<Task> change)
    {
        try
        {
            await change();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            Outage(ex);
        }
    }
}
