using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>
/// One node's feed as read: the new entries of the windows read completely, the cursor they move it to (null: leave
/// it), a channel reset noticed, or why reading stopped (<see cref="RetryAfter"/>: ThingSpeak's request to wait, 429),
/// and when the node is due again. A poll that failed part-way still carries what it read before.
/// </summary>
public sealed record FetchedFeed(PollClaim Claim, IReadOnlyList<RawEntry> Entries, PollCursor? Cursor, ChannelReset? Reset, string? Error,
    TimeSpan? RetryAfter, TimeSpan Duration)
{
    public DateTimeOffset NextPollAt { get; init; }

    /// <summary>A back-fill's feed: it holds one of the cycle's back-fill places until it is written.</summary>
    public bool Backfill { get; init; }
}

/// <summary>What one poll of one node came to.</summary>
public sealed record NodePoll(Guid NodeId, bool Succeeded, int Stored);

/// <summary>
/// Polls channels in two steps: <see cref="FetchAsync"/> reads one node's new entries (<see cref="FeedReader"/>) with
/// no database connection held; <see cref="RecordAsync"/> writes a group of fetched feeds in one transaction (the
/// ingestion pipeline for all of them, the cursors, failures into the nodes' operational state, the leases released),
/// so a cycle commits once per group rather than once per node. Whatever goes wrong with one channel ends as that
/// node's failure.
/// </summary>
public sealed class ChannelPoller(
    FeedReader reader, IServiceScopeFactory scopes, IOptions<PollingOptions> options, TimeProvider clock, ILogger<ChannelPoller> logger)
{
    public async Task<FetchedFeed> FetchAsync(PollClaim claim, string? readKey, CancellationToken cancellationToken)
    {
        var began = clock.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.PollTimeout);
        var progress = await reader.ReadAsync(claim, readKey, deadline.Token);
        cancellationToken.ThrowIfCancellationRequested();
        string? error = null;
        if (progress.Stopped is { } stopped)
        {
            error = Describe(stopped);
            logger.LogWarning("Poll of channel {ChannelId} (node {NodeId}) failed after {Entries} new entries: {Error}",
                claim.ChannelId, claim.NodeId, progress.Entries.Count, error);
        }

        return new FetchedFeed(claim, progress.Entries, progress.Cursor, progress.Reset, error, (progress.Stopped as ThingSpeakException)?.RetryAfter,
            clock.GetElapsedTime(began));
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
                RecordInScopeAsync(services, owner, [feed with { Entries = [], Cursor = null, Error = $"ingestion failed ({ex.GetType().Name})" }], ct), ct);
        }
    }

    private static async Task<IReadOnlyList<NodePoll>> RecordInScopeAsync(IServiceProvider services, string owner, IReadOnlyList<FetchedFeed> feeds, CancellationToken ct)
    {
        var withEntries = feeds.Where(f => f.Entries.Count > 0).ToList();
        var stored = withEntries.Count == 0
            ? new Dictionary<Guid, int>()
            : (await services.GetRequiredService<ISender>().Send(new RecordTelemetryBatchCommand(IngestionSources.Poll,
                [.. withEntries.Select(f => new NodeEntries(f.Claim.NodeId, f.Entries))]), ct)).ToDictionary(o => o.NodeId, o => o.Stored);
        var schedule = services.GetRequiredService<PollSchedule>();

        var state = services.GetRequiredService<INodeTelemetryState>();
        await state.RecordPollFailuresAsync([.. feeds.Where(f => f.Error is not null).Select(f => (f.Claim.NodeId, f.Error!))], ct);

        // Nothing new, or only refused or already-stored entries: the channel still answered.
        await state.RecordPollsSucceededAsync(
            [.. feeds.Where(f => f.Error is null && stored.GetValueOrDefault(f.Claim.NodeId) == 0).Select(f => f.Claim.NodeId)], ct);

        var held = await schedule.ReleaseAsync(owner, [.. feeds.Select(f => (f.Claim.NodeId, f.NextPollAt, f.Duration, f.Error))], ct);
        if (held.Count < feeds.Count)
        {
            services.GetRequiredService<ILogger<ChannelPoller>>()
                .LogWarning("{Expired} of {Count} poll leases had expired before their polls were recorded", feeds.Count - held.Count, feeds.Count);
        }

        // A lease that passed on may have been polled again meanwhile: only the holder's cursor is current.
        await schedule.SaveCursorsAsync([.. feeds.Where(f => f.Cursor is not null && held.Contains(f.Claim.NodeId)).Select(f => (f.Claim.NodeId, f.Cursor!, f.Reset))], ct);

        return [.. feeds.Select(f => new NodePoll(f.Claim.NodeId, f.Error is null, stored.GetValueOrDefault(f.Claim.NodeId)))];
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
