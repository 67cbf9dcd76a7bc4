using System.Diagnostics;
using System.Runtime.CompilerServices;
using EvaraTech.Application.Nodes;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Ingestion;
using EvaraTech.Modules.Telemetry.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>One poll cycle as it went: nodes in the schedule, polled by this cycle, failed, readings stored.</summary>
public sealed record PollCycleReport(int Scheduled, int Polled, int Failed, int Stored, TimeSpan Duration);

/// <summary>
/// The ThingSpeak poll cycle, every minute: syncs the schedule with the directory's polled channels, then claims due
/// nodes in small chunks and polls them with bounded concurrency, so a slow or failing channel costs only its own
/// timeout. Cycles may overlap (a long one, or another instance's): the schedule's leases split the nodes between
/// them, and a node is never polled twice at once.
/// </summary>
public sealed class ThingSpeakPolling(
    IServiceScopeFactory scopes, ChannelPoller poller, IOptions<PollingOptions> options, TimeProvider clock, ILogger<ThingSpeakPolling> logger)
{
    public const string JobId = "telemetry-thingspeak-poll";

    /// <summary>Nodes claimed per round trip: small, so claimed nodes do not wait long for a free worker.</summary>
    private const int ClaimChunk = 16;

    public async Task<PollCycleReport> RunAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
        var started = clock.GetTimestamp();
        var (cycleStart, channels) = await scopes.RunAsync(async services =>
        {
            var polled = await services.GetRequiredService<INodeDirectory>().PolledChannelsAsync(cancellationToken);
            return (await services.GetRequiredService<PollSchedule>().SyncAsync(polled, cancellationToken), polled);
        }, cancellationToken);

        var readKeys = channels.ToDictionary(c => c.NodeId, c => c.ReadKey);
        using var writes = new SemaphoreSlim(settings.WriteConcurrency);
        int polledCount = 0, failed = 0, stored = 0;
        await Parallel.ForEachAsync(ClaimDueAsync(owner, cycleStart, cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = cancellationToken },
            async (claim, ct) =>
            {
                var began = clock.GetTimestamp();
                var poll = await poller.PollAsync(claim, readKeys.GetValueOrDefault(claim.NodeId), writes, ct);
                Interlocked.Increment(ref polledCount);
                Interlocked.Add(ref stored, poll.Stored);
                if (!poll.Succeeded)
                {
                    Interlocked.Increment(ref failed);
                }

                await ReleaseAsync(owner, poll, NextPollAt(cycleStart, started, poll), clock.GetElapsedTime(began), ct);
            });

        var report = new PollCycleReport(channels.Count, polledCount, failed, stored, clock.GetElapsedTime(started));
        logger.LogInformation("Poll cycle: {Polled} of {Scheduled} nodes polled, {Failed} failed, {Stored} readings stored in {Duration} ms",
            report.Polled, report.Scheduled, report.Failed, report.Stored, (long)report.Duration.TotalMilliseconds);
        return report;
    }

    /// <summary>
    /// Due again a tenth of an interval early, so the next cycle finds it due even when it starts a little early;
    /// after a 429 not before ThingSpeak's Retry-After has passed.
    /// </summary>
    private DateTimeOffset NextPollAt(DateTimeOffset cycleStart, long started, NodePoll poll)
    {
        var next = cycleStart + options.Value.Interval * 0.9;
        return poll.RetryAfter is { } wait && cycleStart + clock.GetElapsedTime(started) + wait is var allowed && allowed > next ? allowed : next;
    }

    private async IAsyncEnumerable<PollClaim> ClaimDueAsync(string owner, DateTimeOffset cycleStart, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            var claims = await scopes.RunAsync(services =>
                services.GetRequiredService<PollSchedule>().ClaimAsync(owner, cycleStart, ClaimChunk, options.Value.Lease, ct), ct);
            if (claims.Count == 0)
            {
                yield break;
            }

            foreach (var claim in claims)
            {
                yield return claim;
            }
        }
    }

    private async Task ReleaseAsync(string owner, NodePoll poll, DateTimeOffset nextPollAt, TimeSpan duration, CancellationToken ct)
    {
        var released = await scopes.RunAsync(services =>
            services.GetRequiredService<PollSchedule>().ReleaseAsync(owner, poll.NodeId, nextPollAt, duration, ct), ct);
        if (!released)
        {
            logger.LogWarning("The poll lease of node {NodeId} had expired before its poll ended ({Duration} ms)", poll.NodeId, (long)duration.TotalMilliseconds);
        }
    }
}
