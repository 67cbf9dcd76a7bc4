using System.Threading.Channels;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Contracts;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Realtime;

/// <summary>
/// Sends the platform's events to the hub's groups, each to the groups of its node's ownership path only. Alerts and
/// status changes go at once; telemetry is coalesced: the batches stored during one flush window become one update per
/// node and one message per group, instead of one send per reading. With the Redis backplane any instance's send
/// reaches clients connected to any other.
/// </summary>
public sealed class RealtimeBroadcaster(
    IHubContext<RealtimeHub, IRealtimeClient> hub, IServiceScopeFactory scopes, IOptions<RealtimeOptions> options, ILogger<RealtimeBroadcaster> logger)
    : BackgroundService
{
    private readonly Channel<TelemetryBatchRecorded> _telemetry = Channel.CreateUnbounded<TelemetryBatchRecorded>(new UnboundedChannelOptions { SingleReader = true });

    public void Enqueue(TelemetryBatchRecorded batch) => _telemetry.Writer.TryWrite(batch);

    /// <summary>
    /// Sends to the groups of the node's ownership path. Best effort: a failure is logged, never thrown, so live
    /// dashboards can not hold up the event's other handlers (alerts, notifications).
    /// </summary>
    public async Task SendAsync(Guid nodeId, Func<IRealtimeClient, Task> send, CancellationToken ct)
    {
        try
        {
            if ((await AudiencesAsync([nodeId], ct)).SingleOrDefault() is { } audience)
            {
                await send(hub.Clients.Groups(RealtimeGroups.For(audience)));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Sending an event of node {NodeId} to realtime clients failed", nodeId);
        }
    }

    /// <summary>A message without tenant data (the dashboard's refresh time) goes to every connection.</summary>
    public async Task SendToAllAsync(Func<IRealtimeClient, Task> send)
    {
        try
        {
            await send(hub.Clients.All);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Sending to every realtime client failed");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var window = TimeSpan.FromMilliseconds(options.Value.FlushMilliseconds);
        while (await _telemetry.Reader.WaitToReadAsync(stoppingToken))
        {
            await Task.Delay(window, stoppingToken);
            var batches = new List<TelemetryBatchRecorded>();
            while (_telemetry.Reader.TryRead(out var batch))
            {
                batches.Add(batch);
            }

            try
            {
                await FlushAsync(batches, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Live telemetry is best effort: dashboards also read it over HTTP. The next window carries on.
                logger.LogWarning(ex, "Sending {Count} telemetry updates to realtime clients failed", batches.Count);
            }
        }
    }

    private async Task FlushAsync(List<TelemetryBatchRecorded> batches, CancellationToken ct)
    {
        var byNode = batches.GroupBy(b => b.NodeId).ToDictionary(g => g.Key, g => g.ToList());
        var (audiences, latest) = await scopes.RunAsync(async services =>
        {
            var ids = byNode.Keys.ToArray();
            var found = await services.GetRequiredService<INodeAudiences>().AudiencesAsync(ids, ct);
            return (found, await services.GetRequiredService<ITelemetryBatchReader>().LatestAsync(ids, ct));
        }, ct);

        var messages = new Dictionary<string, List<TelemetryUpdate>>();
        foreach (var audience in audiences)
        {
            var node = byNode[audience.NodeId];
            var reading = latest.GetValueOrDefault(audience.NodeId);
            var update = new TelemetryUpdate(audience.NodeId, node[0].TelemetryType, node.Sum(b => b.Stored), node.Min(b => b.From), node.Max(b => b.To),
                reading?.At, reading?.Values);
            foreach (var group in RealtimeGroups.For(audience))
            {
                (messages.TryGetValue(group, out var list) ? list : messages[group] = []).Add(update);
            }
        }

        await Task.WhenAll(messages.Select(m => hub.Clients.Group(m.Key).Telemetry(new TelemetryUpdates(m.Value))));
    }

    private Task<IReadOnlyList<NodeAudience>> AudiencesAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken ct) =>
        scopes.RunAsync(services => services.GetRequiredService<INodeAudiences>().AudiencesAsync(nodeIds, ct), ct);
}
