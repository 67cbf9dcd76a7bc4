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

/// <summary>
/// One node's feed as read: the new entries, or why it could not be read (<see cref="RetryAfter"/>: ThingSpeak's
/// request to wait, 429), and when the node is due again.
/// </summary>
public sealed record FetchedFeed(PollClaim Claim, IReadOnlyList<RawEntry>? Entries, string? Error, TimeSpan? RetryAfter, TimeSpan Duration)
{
    public DateTimeOffset NextPollAt { get; init; }
}

/// <summary>What one poll of one node came to.</summary>
public sealed record NodePoll(Guid NodeId, bool Succeeded, int Stored);

/// <summary>
/// Polls channels in two steps: <see cref="FetchAsync"/> reads one node's entries after its cursor with no database
/// connection held; <see cref="RecordAsync"/> writes a group of fetched feeds in one transaction (the ingestion
/// pipeline for all of them, failures into the nodes' operational state, the leases released), so a cycle commits
/// once per group rather than once per node. Whatever goes wrong with one channel ends as that node's failure.
/// </summary>
public sealed class ChannelPoller(
    ThingSpeakClient thingSpeak, IServiceScopeFactory scopes, IOptions<PollingOptions> options, TimeProvider clock, ILogger<ChannelPoller> logger)
{
    /// <summary>Pages of <see cref="ThingSpeakClient.MaxResults"/> read back in time for one poll: 80,000 entries.</summary>
    public const int MaxPages = 10;

    public async Task<FetchedFeed> FetchAsync(PollClaim claim, string? readKey, CancellationToken cancellationToken)
    {
        var began = clock.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.PollTimeout);
        try
        {
            return new FetchedFeed(claim, await ReadNewEntriesAsync(claim, readKey, deadline.Token), null, null, clock.GetElapsedTime(began));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var error = Describe(ex);
            logger.LogWarning("Poll of channel {ChannelId} (node {NodeId}) failed: {Error}", claim.ChannelId, claim.NodeId, error);
            return new FetchedFeed(claim, null, error, (ex as ThingSpeakException)?.RetryAfter, clock.GetElapsedTime(began));
        }
    }

    /// <summary>
    /// Records a group of fetched feeds in one transaction. When that fails (a node deleted meanwhile, a bad row),
    /// each feed is recorded on its own, so one node's trouble never costs the others their readings.
    /// </summary>
    public async Task<IReadOnlyList<NodePoll>> RecordAsync(string owner, IReadOnlyList<FetchedFeed> feeds, CancellationToken cancellationToken)
    {
        try
        {
            return await scopes.RunAsync(services => RecordInScopeAsync(services, owner, feeds, cancellationToken), cancellationToken);
        }
        catch (Exception ex) when (feeds.Count > 1 && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Recording a group of {Count} polls failed; recording them one by one", feeds.Count);
            var polls = new List<NodePoll>(feeds.Count);
            foreach (var feed in feeds)
            {
                polls.AddRange(await RecordAloneAsync(owner, feed, cancellationToken));
            }

            return polls;
        }
    }

    private async Task<IReadOnlyList<NodePoll>> RecordAloneAsync(string owner, FetchedFeed feed, CancellationToken ct)
    {
        try
        {
            return await scopes.RunAsync(services => RecordInScopeAsync(services, owner, [feed], ct), ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogError(ex, "Recording the poll of node {NodeId} failed", feed.Claim.NodeId);
            return await scopes.RunAsync(services =>
                RecordInScopeAsync(services, owner, [feed with { Entries = null, Error = $"ingestion failed ({ex.GetType().Name})" }], ct), ct);
        }
    }

    private static async Task<IReadOnlyList<NodePoll>> RecordInScopeAsync(IServiceProvider services, string owner, IReadOnlyList<FetchedFeed> feeds, CancellationToken ct)
    {
        var withEntries = feeds.Where(f => f.Entries is { Count: > 0 }).ToList();
        var stored = withEntries.Count == 0
            ? new Dictionary<Guid, int>()
            : (await services.GetRequiredService<ISender>().Send(new RecordTelemetryBatchCommand(IngestionSources.Poll,
                [.. withEntries.Select(f => new NodeEntries(f.Claim.NodeId, f.Entries!))]), ct)).ToDictionary(o => o.NodeId, o => o.Stored);

        var state = services.GetRequiredService<INodeTelemetryState>();
        await state.RecordPollFailuresAsync([.. feeds.Where(f => f.Error is not null).Select(f => (f.Claim.NodeId, f.Error!))], ct);

        // Nothing new, or only refused or already-stored entries: the channel still answered.
        await state.RecordPollsSucceededAsync(
            [.. feeds.Where(f => f.Error is null && stored.GetValueOrDefault(f.Claim.NodeId) == 0).Select(f => f.Claim.NodeId)], ct);

        var released = await services.GetRequiredService<PollSchedule>()
            .ReleaseAsync(owner, [.. feeds.Select(f => (f.Claim.NodeId, f.NextPollAt, f.Duration))], ct);
        if (released < feeds.Count)
        {
            services.GetRequiredService<ILogger<ChannelPoller>>()
                .LogWarning("{Expired} of {Count} poll leases had expired before their polls were recorded", feeds.Count - released, feeds.Count);
        }

        return [.. feeds.Select(f => new NodePoll(f.Claim.NodeId, f.Error is null, stored.GetValueOrDefault(f.Claim.NodeId)))];
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

    /// <summary>What an operator reads as the node's last error: short, and never the request's URL (it carries the read key).</summary>
    private static string Describe(Exception ex) => ex switch
    {
        ThingSpeakException thingSpeak => thingSpeak.Message,
        TimeoutRejectedException or OperationCanceledException => "ThingSpeak did not answer in time",
        BrokenCircuitException => "ThingSpeak is failing for most channels; calls are paused (circuit open)",
        HttpRequestException http => $"ThingSpeak unreachable ({http.HttpRequestError})",
        _ => $"reading the feed failed ({ex.GetType().Name})",
    };
}
