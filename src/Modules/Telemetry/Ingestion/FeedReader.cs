using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>
/// Reads one node's feed forward from its cursor in time windows, so that no entry can be skipped:
/// <list type="bullet">
/// <item>ThingSpeak answers the newest <c>results</c> entries of a window, so a full page means older entries were cut:
/// the window is halved and read again. Only windows read completely are taken, and the cursor's <c>read_until</c>
/// moves to the end of the last of them: a back-fill stopped part-way (deadline, failure) goes on from there.</item>
/// <item>A read that times out ends the poll and halves the page size the next polls ask for (down to
/// <see cref="PollingOptions.MinPageSize"/>): a slow channel back-fills in smaller pages over a few polls, and a
/// stalled one costs each poll a single timeout. A poll that met a full page without a timeout doubles the size back
/// towards <see cref="ThingSpeakClient.MaxResults"/>; while pages are not full there is nothing to grow for.</item>
/// <item>Each poll starts <see cref="PollingOptions.Lookback"/> before <c>read_until</c>: an entry that reached
/// ThingSpeak late with an older time has a new entry id, which is all that tells it from what was taken.</item>
/// <item>The id filter only moves on when a poll has read up to now. Until then entries are taken again, which the
/// idempotent write makes harmless, rather than skipped.</item>
/// <item>Entry ids that went down (ThingSpeak's <c>last_entry_id</c> below the cursor: the channel was cleared)
/// restart the filter at 0 and are reported as a <see cref="ChannelReset"/>.</item>
/// </list>
/// </summary>
public sealed class FeedReader(ThingSpeakClient thingSpeak, IOptions<PollingOptions> options, TimeProvider clock, ILogger<FeedReader> logger)
{
    /// <summary>A window this short is taken as it is even when its page is full: ThingSpeak stores one entry per 15 s at most.</summary>
    private static readonly TimeSpan ShortestWindow = TimeSpan.FromSeconds(1);

    /// <summary>What a read got to: the entries taken, the cursor to store, a reset noticed; <see cref="Stopped"/> when it failed part-way.</summary>
    public sealed class Progress
    {
        public List<RawEntry> Entries { get; } = [];

        public PollCursor? Cursor { get; internal set; }

        public ChannelReset? Reset { get; internal set; }

        public Exception? Stopped { get; internal set; }
    }

    public async Task<Progress> ReadAsync(PollClaim claim, string? readKey, CancellationToken ct)
    {
        var settings = options.Value;
        var progress = new Progress();
        var started = clock.GetUtcNow();
        var cursor = claim.Cursor;
        var after = cursor?.LastEntryId ?? 0;
        var readUntil = cursor?.ReadUntil ?? started - settings.Backfill;
        var pageSize = cursor?.PageSize ?? ThingSpeakClient.MaxResults;
        var from = cursor is null ? readUntil : readUntil - settings.Lookback;
        var taken = new HashSet<long>();
        var highest = after;
        TimeSpan? span = null;
        var timedOut = false;
        var caughtUp = false;
        var checkedReset = false;
        var fullPage = false;
        try
        {
            for (var reads = 0; reads < settings.MaxReadsPerPoll && !caughtUp; reads++)
            {
                var askedAt = clock.GetUtcNow();
                DateTimeOffset? to = span is { } length && from + length < askedAt ? from + length : null;
                ThingSpeakFeed feed;
                try
                {
                    feed = await thingSpeak.ReadFeedAsync(claim.ChannelId, readKey, from, to, pageSize, ct);
                }
                catch (TimeoutRejectedException) when (pageSize > settings.MinPageSize)
                {
                    timedOut = true;
                    pageSize = Math.Max(settings.MinPageSize, pageSize / 2);
                    logger.LogInformation("Channel {ChannelId} timed out; the next polls read it {PageSize} entries at a time", claim.ChannelId, pageSize);
                    throw;
                }

                if (!checkedReset)
                {
                    checkedReset = true;
                    if (Restarted(feed, after, readUntil, askedAt) is { } last)
                    {
                        progress.Reset = new ChannelReset(askedAt,
                            $"entry ids restarted (ThingSpeak's last entry id {last} is below the {after} already read): the feed is read again from {from:yyyy-MM-dd HH:mm:ss}Z");
                        logger.LogWarning("Channel {ChannelId} (node {NodeId}) was reset: {Reset}", claim.ChannelId, claim.NodeId, progress.Reset.Description);
                        after = 0;
                        highest = 0;
                    }
                }

                var end = to ?? askedAt;
                fullPage |= feed.Entries.Count >= pageSize;
                if (feed.Entries.Count >= pageSize && end - from > ShortestWindow)
                {
                    span = (end - from) / 2;
                    continue;
                }

                foreach (var entry in feed.Entries)
                {
                    if (entry.EntryId is { } id && id > after && taken.Add(id))
                    {
                        progress.Entries.Add(entry);
                        highest = Math.Max(highest, id);
                    }
                }

                readUntil = end > readUntil ? end : readUntil;
                caughtUp = to is null;
                from = end;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // What the windows before it gave is kept; the caller tells the failure.
            progress.Stopped = ex;
        }

        if (!timedOut && fullPage)
        {
            pageSize = Math.Min(ThingSpeakClient.MaxResults, pageSize * 2);
        }

        progress.Entries.Sort((a, b) => a.Timestamp != b.Timestamp ? a.Timestamp.CompareTo(b.Timestamp) : Nullable.Compare(a.EntryId, b.EntryId));
        progress.Cursor = new PollCursor(caughtUp ? highest : after, readUntil, pageSize);
        return progress;
    }

    /// <returns>ThingSpeak's last entry id when the channel's ids went below <paramref name="after"/>, else null</returns>
    private static long? Restarted(ThingSpeakFeed feed, long after, DateTimeOffset readUntil, DateTimeOffset askedAt)
    {
        if (after == 0)
        {
            return null;
        }

        if (feed.LastEntryId is { } last)
        {
            return last < after ? last : null;
        }

        // No last_entry_id in the answer: an entry newer than everything read, and not from the future, whose id
        // was already taken can only be a reused id.
        return feed.Entries.Any(e => e.Timestamp > readUntil && e.Timestamp <= askedAt && e.EntryId <= after)
            ? feed.Entries.Max(e => e.EntryId) ?? 0
            : null;
    }
}
