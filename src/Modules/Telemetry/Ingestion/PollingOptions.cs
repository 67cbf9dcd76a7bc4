using EvaraTech.Modules.Telemetry.Persistence;

namespace EvaraTech.Modules.Telemetry.Ingestion;

/// <summary>The <c>Polling</c> settings section: how the ThingSpeak poller fans out.</summary>
public sealed class PollingOptions
{
    public const string Section = "Polling";

    /// <summary>Channels read at the same time by one cycle of one instance.</summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>
    /// Batches written at the same time by one cycle: the database, not the network, bounds this (two instances at 64
    /// would otherwise hold 128 connections).
    /// </summary>
    public int WriteConcurrency { get; set; } = 8;

    /// <summary>
    /// Back-fills (<see cref="ReadsBackfill"/>: a week of readings or more each by default) read and not yet written at
    /// once, at most, per cycle: a fleet's first poll keeps the instance's memory bounded.
    /// </summary>
    public int BackfillConcurrency { get; set; } = 2;

    /// <summary>How often a node is polled (the recurring job runs every minute).</summary>
    public int IntervalSeconds { get; set; } = 60;

    /// <summary>How far back the first poll of a node reads (a week: what a dashboard shows at first).</summary>
    public double BackfillHours { get; set; } = 168;

    /// <summary>
    /// How long one node's poll may take, pages and write included; its lease lasts half as long again, so a lease
    /// never runs out under a poll that is still going, while a crashed instance's nodes are taken up again soon after.
    /// </summary>
    public int PollTimeoutSeconds { get; set; } = 120;

    /// <summary>
    /// Over how much of the interval one cycle spreads its polls (0: all at once; at most half the interval). Nodes are
    /// still polled once per cycle; the platform's own requests no longer queue behind a burst of them.
    /// </summary>
    public int SpreadSeconds { get; set; } = 30;

    /// <summary>
    /// How far behind the cursor each poll reads again, so an entry that reached ThingSpeak late with an older
    /// <c>created_at</c> (a device uploading its buffer) is still taken; its new entry id tells it from what was read.
    /// </summary>
    public double LookbackMinutes { get; set; } = 60;

    /// <summary>The smallest page a read shrinks to when the channel answers too slowly for a larger one.</summary>
    public int MinPageSize { get; set; } = 100;

    /// <summary>Reads of one node's feed in one poll, at most: a back-fill goes on at the next poll from where this one stopped.</summary>
    public int MaxReadsPerPoll { get; set; } = 24;

    public TimeSpan Interval => TimeSpan.FromSeconds(IntervalSeconds);

    public TimeSpan Lookback => TimeSpan.FromMinutes(LookbackMinutes);

    public TimeSpan Spread => TimeSpan.FromSeconds(Math.Min(SpreadSeconds, IntervalSeconds / 2.0));

    public TimeSpan Backfill => TimeSpan.FromHours(BackfillHours);

    public TimeSpan PollTimeout => TimeSpan.FromSeconds(PollTimeoutSeconds);

    public TimeSpan Lease => PollTimeout * 1.5;

    /// <summary>
    /// A node never read, or read up to longer ago than the look-back, is behind: its poll reads forward from where it
    /// stopped (a back-fill) instead of re-reading the look-back.
    /// </summary>
    public bool IsBehind(PollCursor? cursor, DateTimeOffset now) => cursor is null || now - cursor.ReadUntil > Lookback;

    /// <summary>
    /// A poll that may read more than a look-back's worth (a node behind, or never read with a back-fill longer than the
    /// look-back): one of the <see cref="BackfillConcurrency"/>. A node never read with a short back-fill reads no more
    /// than a steady poll does, and a fleet's first cycle should not queue behind two of those at a time.
    /// </summary>
    public bool ReadsBackfill(PollCursor? cursor, DateTimeOffset now) => cursor is null ? Backfill > Lookback : IsBehind(cursor, now);

    public bool IsValid => Concurrency > 0 && WriteConcurrency > 0 && BackfillConcurrency > 0 && IntervalSeconds > 0 && BackfillHours > 0 && PollTimeoutSeconds > 0 && SpreadSeconds >= 0
        && LookbackMinutes >= 0 && MinPageSize is > 0 and <= ThingSpeakClient.MaxResults && MaxReadsPerPoll > 0;
}
