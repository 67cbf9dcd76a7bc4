using Dapper;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Hangfire;
using Npgsql;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>
/// Recomputes the 24-hour window of nodes that went quiet: ingestion recomputes a node's state with every batch,
/// but readings also age out of the window when nothing arrives. Every five minutes, for states older than that,
/// under the same per-node locks as ingestion.
/// </summary>
[OneAtATime]
public sealed class DeviceStateRefresh(IConfiguration configuration) : IRecurringJob
{
    public const string JobId = "telemetry-device-states";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<DeviceStateRefresh>(JobId, job => job.RunAsync(CancellationToken.None), "*/5 * * * *");

    private const int BatchSize = 2000;
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStrings.Migrations(configuration));
        await connection.OpenAsync(cancellationToken);
        var refreshed = 0;
        foreach (var table in TelemetryTable.All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var nodeIds = (await connection.QueryAsync<Guid>(new CommandDefinition(DeviceStateStatements.Stale(table),
                new { Age = StaleAfter, Limit = BatchSize }, transaction, cancellationToken: cancellationToken))).ToArray();
            if (nodeIds.Length > 0)
            {
                await TelemetryWriter.LockNodesAsync(connection, transaction, nodeIds, cancellationToken);
                await TelemetryWriter.RecomputeDeviceStatesAsync(connection, transaction, table, nodeIds, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            refreshed += nodeIds.Length;
        }

        return refreshed;
    }
}
