using EvaraTech.Application.Nodes;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>What one poll of one node came to; <see cref="RetryAfter"/> is ThingSpeak's request to wait (429).</summary>
public sealed record NodePoll(Guid NodeId, bool Succeeded, int Stored, TimeSpan? RetryAfter);

/// <summary>
/// Polls one node's channel: reads the entries after its cursor with no database connection held, then hands them to
/// the ingestion pipeline (<see cref="RecordTelemetryBatchCommand"/>), or records the failure in the node's
/// operational state. Whatever goes wrong with one channel ends here, as that node's failure.
/// </summary>
public sealed class ChannelPoller(
    ThingSpeakClient thingSpeak, IServiceScopeFactory scopes, IOptions<PollingOptions> options, TimeProvider clock, ILogger<ChannelPoller> logger)
{
    /// <summary>Pages of <see cref="ThingSpeakClient.MaxResults"/> read back in time for one poll: 80,000 entries.</summary>
    public const int MaxPages = 10;

    /// <param name="writes">bounds the batches this cycle writes at once</param>
    public async Task<NodePoll> PollAsync(PollClaim claim, string? readKey, SemaphoreSlim writes, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.PollTimeout);
        try
        {
            var entries = await ReadNewEntriesAsync(claim, readKey, deadline.Token);
            await writes.WaitAsync(deadline.Token);
            try
            {
                return await scopes.RunAsync(async services => entries.Count == 0
                    ? await NothingNewAsync(services, claim, deadline.Token)
                    : await RecordAsync(services, claim, entries, deadline.Token), deadline.Token);
            }
            finally
            {
                writes.Release();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = Describe(ex);
            logger.LogWarning("Poll of channel {ChannelId} (node {NodeId}) failed: {Error}", claim.ChannelId, claim.NodeId, error);
            await RecordFailureAsync(claim.NodeId, error, writes, cancellationToken);
            return new NodePoll(claim.NodeId, false, 0, (ex as ThingSpeakException)?.RetryAfter);
        }
    }

    /// <summary>
    /// The entries after the cursor, ascending. ThingSpeak answers the last 8,000 of a range, so a full page means
    /// older new entries may remain: read on backwards (<c>end</c> = the oldest entry seen) until a page is not full.
    /// </summary>
    private async Task<List<RawEntry>> ReadNewEntriesAsync(PollClaim claim, string? readKey, CancellationToken ct)
    {
        var start = claim.LastTimestamp ?? clock.GetUtcNow() - options.Value.Backfill;
        var after = claim.LastEntryId ?? 0;
        var pages = new List<IReadOnlyList<RawEntry>>();
        DateTimeOffset? end = null;
        var before = long.MaxValue;
        for (var page = 0; page < MaxPages; page++)
        {
            var feed = await thingSpeak.ReadFeedAsync(claim.ChannelId, readKey, start, end, ct);
            var fresh = feed.Where(e => e.EntryId > after && e.EntryId < before).ToList();
            pages.Add(fresh);
            if (feed.Count < ThingSpeakClient.MaxResults || fresh.Count == 0 || feed[0].EntryId <= after)
            {
                break;
            }

            before = fresh[0].EntryId!.Value;
            end = fresh[0].Timestamp;
        }

        return [.. pages.AsEnumerable().Reverse().SelectMany(p => p)];
    }

    private static async Task<NodePoll> NothingNewAsync(IServiceProvider services, PollClaim claim, CancellationToken ct)
    {
        await services.GetRequiredService<INodeTelemetryState>().RecordPollSucceededAsync(claim.NodeId, ct);
        return new NodePoll(claim.NodeId, true, 0, null);
    }

    private static async Task<NodePoll> RecordAsync(IServiceProvider services, PollClaim claim, List<RawEntry> entries, CancellationToken ct)
    {
        var outcome = await services.GetRequiredService<ISender>()
            .Send(new RecordTelemetryBatchCommand(claim.NodeId, IngestionSources.Poll, entries), ct);
        if (outcome.Stored == 0)
        {
            // Only refused or already-stored entries: the channel still answered.
            await services.GetRequiredService<INodeTelemetryState>().RecordPollSucceededAsync(claim.NodeId, ct);
        }

        return new NodePoll(claim.NodeId, true, outcome.Stored, null);
    }

    private async Task RecordFailureAsync(Guid nodeId, string error, SemaphoreSlim writes, CancellationToken ct)
    {
        await writes.WaitAsync(ct);
        try
        {
            await scopes.RunAsync(async services =>
            {
                await services.GetRequiredService<INodeTelemetryState>().RecordPollFailureAsync(nodeId, error, ct);
                return true;
            }, ct);
        }
        finally
        {
            writes.Release();
        }
    }

    /// <summary>What an operator reads as the node's last error: short, and never the request's URL (it carries the read key).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        ThingSpeakException thingSpeak => thingSpeak.Message,
        TimeoutRejectedException or OperationCanceledException => "ThingSpeak did not answer in time",
        BrokenCircuitException => "ThingSpeak is failing for most channels; calls are paused (circuit open)",
        HttpRequestException http => $"ThingSpeak unreachable ({http.HttpRequestError})",
        _ => $"ingestion failed ({ex.GetType().Name})",
    };
}
