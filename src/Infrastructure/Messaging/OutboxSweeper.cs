using System.Diagnostics.Metrics;
using Dapper;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Infrastructure.Observability;
using Hangfire;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Redelivers what a crash or a failing handler left pending: events older than the in-process dispatch window whose
/// failed handlers' back-off has passed, oldest first. A recurring Hangfire job; safe with several instances (an event
/// is claimed before its handlers run).
/// </summary>
[OneAtATime]
public sealed class OutboxSweeper(NpgsqlDataSource dataSource, OutboxDispatcher dispatcher) : IRecurringJob
{
    public const string JobId = "outbox-sweep";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<OutboxSweeper>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    public static readonly TimeSpan DispatchWindow = TimeSpan.FromSeconds(30);

    // Past the in-process dispatch window, claimed by no one, and past its back-off.
    private const string Due = """
        o.occurred_at < now() - @Window AND (o.claimed_until IS NULL OR o.claimed_until < now())
        AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= now())
        """;

    // Unordered events from their own index, ordered ones by key (each part matches one partial index, and no other
    // statement's plan can fall back on a list of every pending event). Of an ordered key only the events no earlier
    // one holds up: the others are woken as those settle, and sweeping them would only put them off again, crowding
    // out everything else. Earlier ones are looked for from the key's frontier, as the dispatcher does.
    private const string Pending = $"""
        SELECT id FROM (
            (SELECT o.id, o.occurred_at FROM integration.outbox o
             WHERE o.dispatched_at IS NULL AND o.ordering_key IS NULL AND {Due}
             ORDER BY o.occurred_at LIMIT @BatchSize)
            UNION ALL
            (SELECT o.id, o.occurred_at FROM integration.outbox o
             LEFT JOIN integration.ordering_frontier f ON f.ordering_key = o.ordering_key
             WHERE o.dispatched_at IS NULL AND o.ordering_key IS NOT NULL AND {Due}
               AND NOT EXISTS (
                   SELECT 1 FROM integration.outbox e
                   WHERE e.ordering_key = o.ordering_key AND e.dispatched_at IS NULL
                     AND e.position > coalesce(f.settled_through, 0) AND e.position < o.position
                     AND (NOT EXISTS (SELECT 1 FROM integration.deliveries d WHERE d.event_id = e.id)
                          OR EXISTS (SELECT 1 FROM integration.deliveries d WHERE d.event_id = e.id AND NOT ({OutboxDispatcher.GivesWay}))))
             ORDER BY o.occurred_at LIMIT @BatchSize)) AS due
        ORDER BY occurred_at
        LIMIT @BatchSize
        """;

    /// <summary>Events not yet delivered to every handler: in two parts, each read from one partial index of pending events.</summary>
    public const string PendingCount = """
        (SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL AND ordering_key IS NULL)
        + (SELECT count(*) FROM integration.outbox WHERE dispatched_at IS NULL AND ordering_key IS NOT NULL)
        """;

    // What operators watch: events not yet delivered to every handler, and deliveries given up on.
    private const string BacklogCounts = $"""
        SELECT {PendingCount} AS Pending,
               (SELECT count(*) FROM integration.deliveries WHERE dead_at IS NOT NULL) AS Dead
        """;

    private static Backlog? _backlog;

    /// <summary>How long a count stays reported: the sweep runs every minute on whichever instance takes it.</summary>
    private static readonly TimeSpan BacklogFresh = TimeSpan.FromMinutes(3);

    // Nothing is reported before this instance has swept, nor once its count is stale: unknown is not zero. Every
    // instance that swept lately reports the same database-wide count: read it with max(), not sum().
    static OutboxSweeper()
    {
        PlatformMetrics.Meter.CreateObservableGauge("evaratech.outbox.backlog", () => Fresh(b => b.Pending),
            description: "Integration events not yet delivered to every handler (database-wide, as of this instance's last sweep)");
        PlatformMetrics.Meter.CreateObservableGauge("evaratech.outbox.dead_letters", () => Fresh(b => b.Dead),
            description: "Deliveries dead-lettered and not replayed (database-wide, as of this instance's last sweep)");
    }

    private sealed record Backlog(long Pending, long Dead, long At);

    private static IEnumerable<Measurement<long>> Fresh(Func<Backlog, long> count) =>
        _backlog is { } backlog && TimeProvider.System.GetElapsedTime(backlog.At) < BacklogFresh ? [new Measurement<long>(count(backlog))] : [];

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> ids;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            var (pending, dead) = await connection.QuerySingleAsync<(long Pending, long Dead)>(new CommandDefinition(BacklogCounts, cancellationToken: cancellationToken));
            _backlog = new Backlog(pending, dead, TimeProvider.System.GetTimestamp());
            ids = (await connection.QueryAsync<Guid>(new CommandDefinition(Pending,
                new { Window = DispatchWindow, BatchSize = 500 }, cancellationToken: cancellationToken))).ToList();
        }

        // The connection is back in the pool before the handlers take theirs.
        await dispatcher.DispatchWithWokenAsync(ids, cancellationToken);
        return ids.Count;
    }
}
