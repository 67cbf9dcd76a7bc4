using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Observability;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Hangfire;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>One poll cycle as it went: nodes in the schedule, polled by this cycle, failed, readings stored.</summary>
public sealed record PollCycleReport(int Scheduled, int Polled, int Failed, int Stored, TimeSpan Duration);

/// <summary>
/// The ThingSpeak poll cycle, every minute: syncs the schedule with the directory's polled channels, claims due nodes
/// in small chunks and reads their feeds with bounded concurrency, so a slow or failing channel costs only its own
/// timeout; a few writers record what was read in groups, one transaction per group. Cycles may overlap (a long
/// one, or another instance's): the schedule's leases split the nodes between them, and a node is never polled
/// twice at once.
/// </summary>
public sealed class ThingSpeakPolling(
    IServiceScopeFactory scopes, ChannelPoller poller, IOptions<PollingOptions> options, TimeProvider clock, ILogger<ThingSpeakPolling> logger) : IRecurringJob
{
    public const string JobId = "telemetry-thingspeak-poll";

    private static readonly Histogram<double> CycleSeconds = PlatformMetrics.Meter.CreateHistogram<double>(
        "evaratech.poll.cycle.duration", unit: "s", description: "How long a poll cycle of this instance took",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120] });

    private static readonly Counter<long> PollFailures = PlatformMetrics.Meter.CreateCounter<long>(
        "evaratech.poll.failures", description: "Channel polls that failed (timeout, HTTP error, unreadable feed)");

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<ThingSpeakPolling>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    /// <summary>Nodes claimed per round trip: small, so claimed nodes do not wait long for a free reader.</summary>
    private const int ClaimChunk = 16;

    /// <summary>Feeds recorded per transaction, at most: what one writer finds waiting, up to this.</summary>
    private const int WriteGroup = 64;

    /// <summary>How long a stopping host still writes what its cycle has read (within Hangfire's and the host's shutdown time).</summary>
    private static readonly TimeSpan WriteGrace = TimeSpan.FromSeconds(10);

    public async Task<PollCycleReport> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var started = clock.GetTimestamp();
        var (cycleStart, channels) = await scopes.RunAsync(async services =>
        {
            var polled = await services.GetRequiredService<INodeIngestionSources>().PolledChannelsAsync(cancellationToken);
            return (await services.GetRequiredService<PollSchedule>().SyncAsync(polled, cancellationToken), polled);
        }, cancellationToken);

        var readKeys = channels.ToDictionary(c => c.NodeId, c => c.ReadKey);
        var fetched = Channel.CreateBounded<FetchedFeed>(new BoundedChannelOptions(settings.Concurrency * 2) { SingleWriter = false });
        var unread = new ConcurrentDictionary<Guid, byte>(); // claimed, their feeds not yet with the writers
        using var backfills = new SemaphoreSlim(settings.BackfillConcurrency);

        // A writer that fails (the database gone) stops the reading too, instead of leaving it blocked on a full channel.
        // A stopping host stops the reading at once; what was read is still written, for a grace period.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var writing = new CancellationTokenSource();
        await using var grace = cancellationToken.Register(() => writing.CancelAfter(WriteGrace));
        var writers = Enumerable.Range(0, settings.WriteConcurrency)
            .Select(_ => RecordFetchedAsync(owner, fetched.Reader, backfills, stop, writing.Token)).ToList();
        List<NodePoll> polls;
        try
        {
            try
            {
                await Parallel.ForEachAsync(ClaimDueAsync(owner, cycleStart, started, channels.Count, unread, stop.Token),
                    new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = stop.Token },
                    async (claim, ct) =>
                    {
                        var backfill = options.Value.ReadsBackfill(claim.Cursor, clock.GetUtcNow());
                        if (backfill)
                        {
                            await backfills.WaitAsync(ct);
                        }

                        try
                        {
                            var feed = await poller.FetchAsync(claim, readKeys.GetValueOrDefault(claim.NodeId), ct);
                            await fetched.Writer.WriteAsync(feed with { NextPollAt = NextPollAt(cycleStart, started, feed), Backfill = backfill }, ct);
                            unread.TryRemove(claim.NodeId, out _);
                        }
                        catch when (backfill)
                        {
                            backfills.Release(); // never reached the writers, who release the others
                            throw;
                        }
                    });
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // A writer failed (its exception surfaces below), or the host is stopping.
            }
            finally
            {
                fetched.Writer.Complete();
            }

            polls = [.. (await Task.WhenAll(writers)).SelectMany(p => p)];
        }
        finally
        {
            await HandBackAsync(owner, [.. unread.Keys]);
        }

        var report = new PollCycleReport(channels.Count, polls.Count, polls.Count(p => !p.Succeeded), polls.Sum(p => p.Stored), clock.GetElapsedTime(started));
        CycleSeconds.Record(report.Duration.TotalSeconds);
        PollFailures.Add(report.Failed);
        logger.LogInformation("Poll cycle: {Polled} of {Scheduled} nodes polled, {Failed} failed, {Stored} readings stored in {Duration} ms",
            report.Polled, report.Scheduled, report.Failed, report.Stored, (long)report.Duration.TotalMilliseconds);
        return report;
    }

    /// <summary>
    /// Ends this cycle's leases on nodes it claimed but did not read to the end (the host stopping, a writer failing),
    /// so the next cycle of any instance takes them at once instead of after the lease. Best effort: when the database
    /// is gone too, the leases run out by themselves.
    /// </summary>
    private async Task HandBackAsync(string owner, Guid[] nodeIds)
    {
        if (nodeIds.Length == 0)
        {
            return;
        }

        try
        {
            var handedBack = await scopes.RunAsync(services => services.GetRequiredService<PollSchedule>().HandBackAsync(owner, nodeIds, CancellationToken.None),
                CancellationToken.None);
            logger.LogInformation("Poll cycle handed back {Nodes} nodes it had not read", handedBack);
        }
        catch (Exception ex) when (DatabaseFailures.IsUnavailable(ex))
        {
            logger.LogWarning(ex, "Could not hand back {Nodes} unread nodes; their leases run out instead", nodeIds.Length);
        }
    }

    /// <summary>One writer: takes what has been fetched (waiting for at least one feed), records it as one group, again.</summary>
    private async Task<List<NodePoll>> RecordFetchedAsync(
        string owner, ChannelReader<FetchedFeed> fetched, SemaphoreSlim backfills, CancellationTokenSource stop, CancellationToken ct)
    {
        var polls = new List<NodePoll>();
        var group = new List<FetchedFeed>(WriteGroup);
        try
        {
            while (await fetched.WaitToReadAsync(ct))
            {
                while (group.Count < WriteGroup && fetched.TryRead(out var feed))
                {
                    group.Add(feed);
                }

                if (group.Count > 0)
                {
                    try
                    {
                        polls.AddRange(await poller.RecordAsync(owner, group, ct));
                    }
                    finally
                    {
                        if (group.Count(f => f.Backfill) is > 0 and var written)
                        {
                            backfills.Release(written);
                        }

                        group.Clear();
                    }
                }
            }
        }
        catch
        {
            await stop.CancelAsync();
            throw;
        }

        return polls;
    }

    /// <summary>A node never read, or behind by more than the look-back: its poll reads hours or days of readings.</summary>
    /// <summary>
    /// Due again a tenth of an interval early, so the next cycle finds it due even when it starts a little early;
    /// after a 429 not before ThingSpeak's Retry-After has passed.
    /// </summary>
    private DateTimeOffset NextPollAt(DateTimeOffset cycleStart, long started, FetchedFeed feed)
    {
        var next = cycleStart + options.Value.Interval * 0.9;
        return feed.RetryAfter is { } wait && cycleStart + clock.GetElapsedTime(started) + wait is var allowed && allowed > next ? allowed : next;
    }

    /// <summary>
    /// Due nodes, chunk by chunk, paced so that the cycle's claims spread over <see cref="PollingOptions.Spread"/>: a
    /// thousand nodes polled at once would take both cores for seconds every minute, and every API request in those
    /// seconds would wait behind them (the load test's latencies showed it); spread out, the same work is a steady few percent.
    /// </summary>
    private async IAsyncEnumerable<PollClaim> ClaimDueAsync(
        string owner, DateTimeOffset cycleStart, long started, int scheduled, ConcurrentDictionary<Guid, byte> unread,
        [EnumeratorCancellation] CancellationToken ct)
    {
        var claimed = 0;
        while (true)
        {
            // A timer may fire a tick before the stopwatch says it is time: wait until it does.
            var at = options.Value.Spread * ((double)claimed / Math.Max(1, scheduled));
            for (var due = at - clock.GetElapsedTime(started); due > TimeSpan.Zero; due = at - clock.GetElapsedTime(started))
            {
                await Task.Delay(due, clock, ct);
            }

            var claims = await scopes.RunAsync(services =>
                services.GetRequiredService<PollSchedule>().ClaimAsync(owner, cycleStart, ClaimChunk, options.Value.Lease, ct), ct);
            if (claims.Count == 0)
            {
                yield break;
            }

            claimed += claims.Count;
            foreach (var claim in claims)
            {
                unread[claim.NodeId] = 0; // the whole chunk at once: a stop may come before all of it is yielded
            }

            foreach (var claim in claims)
            {
                yield return claim;
            }
        }
    }
}
