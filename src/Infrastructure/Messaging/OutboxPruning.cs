using Dapper;
using EvaraTech.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EvaraTech.Infrastructure.Messaging;

/// <summary>
/// Deletes integration events delivered longer ago than <see cref="OutboxOptions.Retention"/> (their delivery rows go
/// with them), a slice at a time so no statement holds many locks. Pending events and dead letters are kept.
/// </summary>
[OneAtATime]
public sealed class OutboxPruning(NpgsqlDataSource dataSource, IOptionsMonitor<OutboxOptions> options) : IRecurringJob
{
    public const string JobId = "outbox-pruning";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<OutboxPruning>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Hourly());

    private const int Slice = 5_000;

    private const string Prune = """
        DELETE FROM integration.outbox
        WHERE id IN (SELECT o.id FROM integration.outbox o
                     WHERE o.dispatched_at < now() - @Retention
                       AND NOT EXISTS (SELECT 1 FROM integration.deliveries d WHERE d.event_id = o.id AND d.dead_at IS NOT NULL)
                     ORDER BY o.dispatched_at
                     LIMIT @Slice)
        """;

    /// <summary>Prunes until nothing is past the retention; returns how many events went.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int pruned;
        do
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            pruned = await connection.ExecuteAsync(new CommandDefinition(Prune,
                new { options.CurrentValue.Retention, Slice }, cancellationToken: cancellationToken));
            total += pruned;
        }
        while (pruned == Slice);

        return total;
    }
}
