using System.Threading.Channels;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Mediator;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Telemetry.Mqtt;

/// <summary>
/// Stores MQTT publishes through the one ingestion pipeline, gathered: messages of many devices that arrive within
/// <see cref="MqttOptions.BatchWindowMilliseconds"/> are one <see cref="RecordTelemetryBatchCommand"/> (one transaction),
/// so throughput stays near the HTTP bulk path. Each publisher waits until its batch is committed: that is when a QoS 1
/// message is acknowledged, so an acknowledged reading is never lost. A failed batch fails every message in it (none
/// is acknowledged; the devices send them again). Stopping the host fails what is still queued the same way.
/// </summary>
public sealed class MqttIngestion(IServiceScopeFactory scopes, IOptions<MqttOptions> options, TimeProvider clock, ILogger<MqttIngestion> logger)
    : BackgroundService
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues one device's entry and waits for its batch's commit.</summary>
    /// <param name="createdAt">the device's <c>created_at</c> as sent, if any; unreadable, the entry is kept as a rejection</param>
    public async Task StoreAsync(Guid nodeId, IReadOnlyDictionary<string, string?> fields, string? createdAt, CancellationToken cancellationToken)
    {
        var pending = new Pending(nodeId, fields, createdAt, clock.GetUtcNow());
        await _queue.Writer.WriteAsync(pending, cancellationToken);
        await pending.Committed.Task.WaitAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.Writers).Select(_ => WriteBatchesAsync(stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Committed.TrySetException(new OperationCanceledException("The platform is stopping."));
        }
    }

    private async Task WriteBatchesAsync(CancellationToken stoppingToken)
    {
        var window = TimeSpan.FromMilliseconds(options.Value.BatchWindowMilliseconds);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            var batch = new List<Pending>();
            using (var gathering = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                gathering.CancelAfter(window);
                try
                {
                    while (batch.Count < options.Value.MaxBatch && await _queue.Reader.WaitToReadAsync(gathering.Token))
                    {
                        while (batch.Count < options.Value.MaxBatch && _queue.Reader.TryRead(out var pending))
                        {
                            batch.Add(pending);
                        }
                    }
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The window closed: write what was gathered.
                }
                catch (OperationCanceledException)
                {
                    batch.ForEach(p => p.Committed.TrySetException(new OperationCanceledException("The platform is stopping.")));
                    throw;
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                await WriteAsync(batch, stoppingToken);
                batch.ForEach(p => p.Committed.TrySetResult());
            }
            catch (Exception e) when (batch.DistinctBy(p => p.NodeId).Skip(1).Any() && !stoppingToken.IsCancellationRequested)
            {
                // Many devices share a batch: one that cannot be stored (its node deleted meanwhile) must not fail the rest.
                logger.LogWarning(e, "An MQTT batch of {Messages} messages could not be stored together; storing it node by node", batch.Count);
                foreach (var node in batch.GroupBy(p => p.NodeId))
                {
                    await WriteOrFailAsync([.. node], stoppingToken);
                }
            }
            catch (Exception e)
            {
                Fail(batch, e);
            }
        }
    }

    private async Task WriteOrFailAsync(IReadOnlyList<Pending> batch, CancellationToken stoppingToken)
    {
        try
        {
            await WriteAsync(batch, stoppingToken);
            foreach (var pending in batch)
            {
                pending.Committed.TrySetResult();
            }
        }
        catch (Exception e)
        {
            Fail(batch, e);
        }
    }

    private void Fail(IReadOnlyList<Pending> batch, Exception e)
    {
        logger.LogWarning(e, "{Messages} MQTT messages could not be stored; none of them is acknowledged", batch.Count);
        foreach (var pending in batch)
        {
            pending.Committed.TrySetException(e);
        }
    }

    /// <summary>One transaction: entry ids per node, then the pipeline; entries whose created_at cannot be read are kept as rejections.</summary>
    private Task WriteAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken) =>
        scopes.RunAsync(async services =>
        {
            var records = services.GetRequiredService<IngestionRecords>();
            var nodes = new List<NodeEntries>();
            var unreadable = new List<(Guid, RawEntry, Rejection)>();
            var byNode = batch.GroupBy(p => p.NodeId).ToList();
            var firstIds = await records.ReserveEntryIdsAsync([.. byNode.Select(n => (n.Key, n.Count()))], cancellationToken);
            foreach (var node in byNode)
            {
                var messages = node.ToList();
                var firstId = firstIds[node.Key];
                var entries = new List<RawEntry>();
                for (var i = 0; i < messages.Count; i++)
                {
                    var message = messages[i];
                    var at = message.ReceivedAt;
                    if (message.CreatedAt is { Length: > 0 } text && !DeviceTimestamps.TryParse(text, out at))
                    {
                        var entry = new RawEntry(message.ReceivedAt, firstId + i, message.Fields);
                        unreadable.Add((node.Key, entry, new Rejection(message.ReceivedAt, firstId + i, $"created_at '{text}' is not an ISO 8601 time", "created_at")));
                        continue;
                    }

                    entries.Add(new RawEntry(at, firstId + i, message.Fields));
                }

                if (entries.Count > 0)
                {
                    nodes.Add(new NodeEntries(node.Key, entries));
                }
            }

            await records.RejectAsync(IngestionSources.Mqtt, unreadable, cancellationToken);
            if (nodes.Count > 0)
            {
                await services.GetRequiredService<ISender>().Send(new RecordTelemetryBatchCommand(IngestionSources.Mqtt, nodes), cancellationToken);
            }

            return true;
        }, cancellationToken);

    private sealed record Pending(Guid NodeId, IReadOnlyDictionary<string, string?> Fields, string? CreatedAt, DateTimeOffset ReceivedAt)
    {
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
