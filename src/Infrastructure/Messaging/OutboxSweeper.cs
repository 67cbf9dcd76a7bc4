using Dapper;
using EvaraTech.Infrastructure.Jobs;
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

    private const string Pending = """
        SELECT id FROM integration.outbox
        WHERE dispatched_at IS NULL AND occurred_at < now() - @Window AND (claimed_until IS NULL OR claimed_until < now())
          AND (next_attempt_at IS NULL OR next_attempt_at <= now())
        ORDER BY occurred_at
        LIMIT @BatchSize
        """;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        List<Guid> ids;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            ids = (await connection.QueryAsync<Guid>(new CommandDefinition(Pending,
                new { Window = DispatchWindow, BatchSize = 500 }, cancellationToken: cancellationToken))).ToList();
        }

        // The connection is back in the pool before the handlers take theirs.
        await dispatcher.DispatchAsync(ids, cancellationToken);
        return ids.Count;
    }
}
