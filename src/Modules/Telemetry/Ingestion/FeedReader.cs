using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
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
/// <item>A poll that starts with the feed read up to the last look-back (<see cref="PollingOptions.Lookback"/>) reads
/// that look-back again: an entry that reached ThingSpeak late with an older time has a new entry id, which is all
/// that tells it from what was taken. A feed further behind is read on from <c>read_until</c>, so a back-fill in
/// small pages always gains on the present.</item>
/// <item>The id filter only moves on when a poll has read up to now, and then to the channel's
/// <c>last_entry_id</c> as its first read saw it: an entry that arrives during the poll into a window already read
/// has a higher id and is taken by the next poll. Until then entries are taken again, which the idempotent write
/// makes harmless, rather than skipped.</item>
/// <item>A cleared channel is noticed on the first read of a poll: its <c>last_entry_id</c> below the cursor's, or the
/// cursor's entry id coming back with another time. The filter restarts at 0 and the reset is reported as a
/// <see cref="ChannelReset"/>.</item>
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
        var behind = settings.IsBehind(cursor, started);
        var from = behind ? readUntil : readUntil - settings.Lookback;
        var taken = new Dictionary<long, DateTimeOffset>();
        long? channelLast = null;
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
                    channelLast = feed.LastEntryId;
                    if (Restarted(feed, after, cursor?.LastEntryAt) is { } why)
                    {
                        progress.Reset = new ChannelReset(askedAt, $"entry ids restarted ({why}): the feed is read again from {from:yyyy-MM-dd HH:mm:ss}Z");
                        logger.LogWarning("Channel {ChannelId} (node {NodeId}) was reset: {Reset}", claim.ChannelId, claim.NodeId, progress.Reset.Description);
                        after = 0;
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
                    if (entry.EntryId is { } id && id > after && taken.TryAdd(id, entry.Timestamp))
                    {
                        progress.Entries.Add(entry);
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
        progress.Cursor = Advance(cursor, after, caughtUp, channelLast, taken, readUntil, pageSize);
        return progress;
    }

    /// <summary>The cursor after a poll: the id filter moves on only when the poll read up to now (see the class notes).</summary>
    private static PollCursor Advance(PollCursor? cursor, long after, bool caughtUp, long? channelLast, Dictionary<long, DateTimeOffset> taken,
        DateTimeOffset readUntil, int pageSize)
    {
        var lastId = after;
        if (caughtUp && taken.Count > 0)
        {
            var highest = taken.Keys.Max();
            lastId = Math.Max(after, channelLast is { } last ? Math.Min(highest, last) : highest);
        }

        var lastAt = taken.TryGetValue(lastId, out var at) ? at : lastId == cursor?.LastEntryId ? cursor.LastEntryAt : null;
        return new PollCursor(lastId, readUntil, pageSize, lastAt);
    }

    /// <returns>why the channel's ids have started again, or null when they go on</returns>
    private static string? Restarted(ThingSpeakFeed feed, long after, DateTimeOffset? lastEntryAt)
    {
        if (after == 0)
        {
            return null;
        }

        if (feed.LastEntryId is { } last && last < after)
        {
            return $"ThingSpeak's last entry id {last} is below the {after} already read";
        }

        // New ids may already have passed the cursor: the cursor's own id with another time is another entry.
        return lastEntryAt is { } at && feed.Entries.FirstOrDefault(e => e.EntryId == after) is { } same && same.Timestamp != at
            ? $"entry {after} is now at {same.Timestamp:yyyy-MM-dd HH:mm:ss}Z, it was at {at:yyyy-MM-dd HH:mm:ss}Z"
            : null;
    }
}
