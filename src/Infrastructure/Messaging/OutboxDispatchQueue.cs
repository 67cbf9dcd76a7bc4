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
/// Each worker has a queue of its own, and every event of one ordering key goes to the same worker, in publish order:
/// a node's next batch then finds the one before it already handled, instead of being put off behind it while
/// another worker runs it (a delivery record, a wake-up and a second claim for every event of a busy node).
/// Unordered events go to the workers in turn.
/// </remarks>
public sealed class OutboxDispatchQueue(OutboxDispatcher dispatcher, IOptions<OutboxOptions> options, ILogger<OutboxDispatchQueue> logger)
    : BackgroundService
{
    private readonly Channel<Guid[]>[] _queues = [.. Enumerable.Range(0, Math.Max(1, options.Value.DispatchWorkers))
        .Select(_ => Channel.CreateUnbounded<Guid[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false }))];

    /// <summary>Events a worker takes from its queue at once, about: a dispatcher's chunk.</summary>
    private const int GatheredAtMost = 500;

    private long _unfinished;
    private uint _nextUnordered;

    /// <summary>Events queued or being dispatched on this instance.</summary>
    public long Unfinished => Interlocked.Read(ref _unfinished);

    public void Enqueue(IReadOnlyCollection<IIntegrationEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        var unordered = (int)(Interlocked.Increment(ref _nextUnordered) % (uint)_queues.Length);
        foreach (var share in events.GroupBy(e => WorkerOf(e, unordered)))
        {
            Guid[] ids = [.. share.Select(e => e.EventId)];
            Interlocked.Add(ref _unfinished, ids.Length);
            if (!_queues[share.Key].Writer.TryWrite(ids))
            {
                // Stopping: the sweeper of this or another instance delivers them.
                Interlocked.Add(ref _unfinished, -ids.Length);
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
        Task.WhenAll(_queues.Select(queue => Task.Run(() => WorkAsync(queue.Reader), CancellationToken.None)));

    /// <summary>Stops taking events and finishes those queued, within the host's shutdown timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await base.StopAsync(cancellationToken);
    }

    private int WorkerOf(IIntegrationEvent integrationEvent, int unordered) =>
        integrationEvent is IOrderedIntegrationEvent ordered
            ? (int)((uint)ordered.OrderingKey.GetHashCode() % (uint)_queues.Length)
            : unordered;

    /// <summary>
    /// Handlers are never cancelled half-way: reading ends once the queue is complete and empty, and a process that
    /// must go before that leaves its events in the outbox, claimed for a lease, then redelivered by a sweeper. What
    /// queued up while the worker was busy is dispatched together (one claim, one settling statement), in order.
    /// </summary>
    private async Task WorkAsync(ChannelReader<Guid[]> queue)
    {
        while (await queue.WaitToReadAsync(CancellationToken.None))
        {
            var eventIds = new List<Guid>();
            while (eventIds.Count < GatheredAtMost && queue.TryRead(out var queued))
            {
                eventIds.AddRange(queued);
            }

            try
            {
                await dispatcher.DispatchAsync(eventIds, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // A worker outlives any failure: the events stay in the outbox for the sweeper.
                logger.LogError(ex, "Dispatching {Count} integration events failed; the sweeper delivers them", eventIds.Count);
            }
            finally
            {
                Interlocked.Add(ref _unfinished, -eventIds.Count);
            }
        }
    }
}
