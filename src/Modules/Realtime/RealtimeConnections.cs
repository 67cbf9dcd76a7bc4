using System.Collections.Concurrent;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Realtime;

/// <summary>
/// This instance's hub connections with the user and scope each was opened with. Every few seconds the users'
/// current access is read again: a connection whose user was deactivated or deleted, or whose scope changed (a new
/// role or place in the hierarchy), is closed, so live data stops when access ends rather than when the token expires.
/// Each instance watches its own connections, whichever instance or path (API, identity webhook) changed the user.
/// </summary>
public sealed class RealtimeConnections(IServiceScopeFactory scopes, IOptions<RealtimeOptions> options, ILogger<RealtimeConnections> logger)
    : BackgroundService
{
    private sealed record Connection(Guid UserId, TenantScope Scope, HubCallerContext Context);

    private readonly ConcurrentDictionary<string, Connection> _open = new();

    /// <summary>Records a new connection of the authenticated user.</summary>
    /// <returns>the user's scope now (nothing for a user who is not, or no longer, an active user)</returns>
    public async Task<TenantScope> OpenedAsync(HubCallerContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(context.User?.FindFirst("sub")?.Value, out var userId)
            || !(await ScopesAsync([userId], cancellationToken)).TryGetValue(userId, out var scope))
        {
            return TenantScope.Nothing;
        }

        _open[context.ConnectionId] = new Connection(userId, scope, context);
        return scope;
    }

    public void Closed(string connectionId) => _open.TryRemove(connectionId, out _);

    /// <returns>how many connections were closed</returns>
    public async Task<int> CloseRevokedAsync(CancellationToken cancellationToken)
    {
        var open = _open.Values.ToList();
        if (open.Count == 0)
        {
            return 0;
        }

        var current = await ScopesAsync([.. open.Select(c => c.UserId).Distinct()], cancellationToken);
        var revoked = open.Where(c => !current.TryGetValue(c.UserId, out var scope) || scope != c.Scope).ToList();
        foreach (var connection in revoked)
        {
            connection.Context.Abort();
            Closed(connection.Context.ConnectionId);
        }

        return revoked.Count;
    }

    /// <summary>The current scopes of the users who are active; the one read of a user's access, at connect and after.</summary>
    private async Task<Dictionary<Guid, TenantScope>> ScopesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
        (await scopes.RunAsync(services => services.GetRequiredService<ITenantDirectory>().RecipientsAsync(userIds, cancellationToken), cancellationToken))
            .ToDictionary(r => r.UserId, r => r.Scope);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.AccessCheckSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await CloseRevokedAsync(stoppingToken) is > 0 and var closed)
                {
                    logger.LogInformation("Closed {Count} realtime connections whose user's access ended or changed", closed);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Checking the realtime connections' access failed; it is tried again");
            }
        }
    }
}
