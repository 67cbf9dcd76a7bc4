using System.Threading.Channels;
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
public sealed class OutboxDispatchQueue(OutboxDispatcher dispatcher, IOptions<OutboxOptions> options, ILogger<OutboxDispatchQueue> logger)
    : BackgroundService
{
    private readonly Channel<Guid[]> _queue = Channel.CreateUnbounded<Guid[]>(new UnboundedChannelOptions { SingleWriter = false });
    private long _unfinished;

    /// <summary>Events queued or being dispatched on this instance.</summary>
    public long Unfinished => Interlocked.Read(ref _unfinished);

    public void Enqueue(IReadOnlyCollection<Guid> eventIds)
    {
        if (eventIds.Count == 0)
        {
            return;
        }

        Interlocked.Add(ref _unfinished, eventIds.Count);
        if (!_queue.Writer.TryWrite([.. eventIds]))
        {
            // Stopping: the sweeper of this or another instance delivers them.
            Interlocked.Add(ref _unfinished, -eventIds.Count);
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
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.DispatchWorkers)).Select(_ => Task.Run(WorkAsync, CancellationToken.None)));

    /// <summary>Stops taking events and finishes those queued, within the host's shutdown timeout.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Handlers are never cancelled half-way: reading ends once the queue is complete and empty, and a process that
    /// must go before that leaves its events in the outbox, claimed for a lease, then redelivered by a sweeper.
    /// </summary>
    private async Task WorkAsync()
    {
        await foreach (var eventIds in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                await dispatcher.DispatchAsync(eventIds, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // A worker outlives any failure: the events stay in the outbox for the sweeper.
                logger.LogError(ex, "Dispatching {Count} integration events failed; the sweeper delivers them", eventIds.Length);
            }
            finally
            {
                Interlocked.Add(ref _unfinished, -eventIds.Length);
            }
        }
    }
}
