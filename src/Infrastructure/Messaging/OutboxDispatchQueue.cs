using System.Threading.Channels;
using EvaraTech.Application.IntegrationEvents;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Where committed events wait for their handlers, off the stack of whoever published them: a device push, a poll
/// group or an API request returns once its own transaction has committed, while <see cref="OutboxOptions.DispatchWorkers"/>
/// workers hand the events to their handlers (whose own events come back through here, never nested). The events
/// are already in the outbox, so nothing queued here is lost with the process: what a stop or a crash leaves is
/// redelivered by the sweeper.
/// </summary>
/// <remarks>
/// Each worker has a lane of its own. While a lane holds unhandled events of an ordering key, every further event of
/// that key goes to the same lane, behind them, however far behind that lane is: a node's next batch then finds the
/// one before it handled. Sent to another lane it could not be handled any sooner, only put off behind it (a delivery
/// record, a wake-up and a second claim), and under load the events put off wake in chains that cross between lanes
/// and are put off again, until the lanes do little else. Everything else a publish brings goes, together, to the
/// least busy lane, so a batch's events stay one chunk for the dispatcher. Events a dispatch wakes are dispatched
/// at once; what a long chain of wake-ups leaves comes back through here, with its keys.
/// </remarks>
public sealed class OutboxDispatchQueue(OutboxDispatcher dispatcher, IOptions<OutboxOptions> options, ILogger<OutboxDispatchQueue> logger)
    : BackgroundService
{
    /// <summary>Events a worker takes from its lane at once, about: a dispatcher's chunk.</summary>
    private const int GatheredAtMost = 500;

    private readonly Lane[] _lanes = [.. Enumerable.Range(0, Math.Max(1, options.Value.DispatchWorkers)).Select(_ => new Lane())];

    /// <summary>The lane each ordering key with unhandled events is on, and how many it has there. Guarded by itself.</summary>
    private readonly Dictionary<Guid, (int Lane, int Unhandled)> _keys = [];

    /// <summary>Kept beside the lanes' counts rather than summed from them, which could read 0 while events move between lanes.</summary>
    private long _unfinished;

    /// <summary>Events queued or being dispatched on this instance.</summary>
    public long Unfinished => Interlocked.Read(ref _unfinished);

    public void Enqueue(IReadOnlyCollection<IIntegrationEvent> events) =>
        Enqueue([.. events.Select(e => (e.EventId, (e as IOrderedIntegrationEvent)?.OrderingKey))]);

    private void Enqueue(IReadOnlyCollection<(Guid Id, Guid? OrderingKey)> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (_keys)
        {
            var quietest = Array.IndexOf(_lanes, _lanes.MinBy(l => Interlocked.Read(ref l.Unfinished)));
            foreach (var share in events.GroupBy(e => LaneOf(e.OrderingKey, quietest)))
            {
                var queued = new Queued([.. share.Select(e => e.Id)], [.. share.Select(e => e.OrderingKey).OfType<Guid>()]);
                foreach (var key in queued.Keys)
                {
                    _keys[key] = (share.Key, _keys.GetValueOrDefault(key).Unhandled + 1);
                }

                Interlocked.Add(ref _unfinished, queued.Ids.Length);
                Interlocked.Add(ref _lanes[share.Key].Unfinished, queued.Ids.Length);
                if (!_lanes[share.Key].Queue.Writer.TryWrite(queued))
                {
                    // Stopping: the sweeper of this or another instance delivers them.
                    Handled(share.Key, queued);
                }
            }
        }
    }

    /// <summary>Waits until every event queued so far on this instance has been through its handlers.</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (Unfinished > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select((_, lane) => Task.Run(() => WorkAsync(lane), CancellationToken.None)));

    /// <summary>Stops taking events and finishes those queued, within the host's shutdown timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes)
        {
            lane.Queue.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken);
    }

    private int LaneOf(Guid? orderingKey, int quietest) =>
        orderingKey is { } key && _keys.TryGetValue(key, out var held) ? held.Lane : quietest;

    private void Handled(int lane, Queued queued)
    {
        lock (_keys)
        {
            foreach (var key in queued.Keys)
            {
                var held = _keys[key];
                if (held.Unhandled == 1)
                {
                    _keys.Remove(key);
                }
                else
                {
                    _keys[key] = (held.Lane, held.Unhandled - 1);
                }
            }
        }

        Interlocked.Add(ref _lanes[lane].Unfinished, -queued.Ids.Length);
        Interlocked.Add(ref _unfinished, -queued.Ids.Length);
    }

    /// <summary>
    /// Handlers are never cancelled half-way: reading ends once the lane is complete and empty, and a process that
    /// must go before that leaves its events in the outbox, claimed for a lease, then redelivered by a sweeper. What
    /// queued up while the worker was busy is dispatched together (one claim, one settling statement), in order.
    /// </summary>
    private async Task WorkAsync(int lane)
    {
        var queue = _lanes[lane].Queue.Reader;
        while (await queue.WaitToReadAsync(CancellationToken.None))
        {
            var gathered = new List<Queued>();
            for (var events = 0; events < GatheredAtMost && queue.TryRead(out var queued); events += queued.Ids.Length)
            {
                gathered.Add(queued);
            }

            Guid[] eventIds = [.. gathered.SelectMany(q => q.Ids)];
            try
            {
                // What they woke is dispatched at once; what a long chain of wake-ups leaves goes behind them, with its keys.
                Enqueue([.. (await dispatcher.DispatchWithWokenAsync(eventIds, CancellationToken.None)).Select(w => (w.Id, w.OrderingKey))]);
            }
            catch (Exception ex)
            {
                // A worker outlives any failure: the events stay in the outbox for the sweeper.
                logger.LogError(ex, "Dispatching {Count} integration events failed; the sweeper delivers them", eventIds.Length);
            }
            finally
            {
                gathered.ForEach(queued => Handled(lane, queued));
            }
        }
    }

    /// <param name="Keys">the ordering key of each ordered event among them</param>
    private sealed record Queued(Guid[] Ids, Guid[] Keys);

    private sealed class Lane
    {
        public readonly Channel<Queued> Queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });

        /// <summary>Events on this lane not yet through their handlers.</summary>
        public long Unfinished;
    }
}
