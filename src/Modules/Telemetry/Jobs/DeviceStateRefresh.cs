using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>
/// Recomputes the 24-hour window of nodes that went quiet: ingestion recomputes a node's state with every batch,
/// but readings also age out of the window when nothing arrives. Every five minutes, for states older than that,
/// under the same per-node locks as ingestion.
/// </summary>
public sealed class DeviceStateRefresh(IConfiguration configuration)
{
    public const string JobId = "telemetry-device-states";
    private const int BatchSize = 2000;
    private static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    [DisableConcurrentExecution(timeoutInSeconds: 300)]
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStrings.Migrations(configuration));
        await connection.OpenAsync(cancellationToken);
        var refreshed = 0;
        foreach (var table in TelemetryTable.All)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var nodeIds = await StaleAsync(connection, transaction, table, cancellationToken);
            if (nodeIds.Length > 0)
            {
                await ExecuteAsync(connection, transaction, WriterStatements.LockNodes, nodeIds, cancellationToken);
                await ExecuteAsync(connection, transaction, DeviceStateStatements.Recompute(table), nodeIds, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            refreshed += nodeIds.Length;
        }

        return refreshed;
    }

    private static async Task<Guid[]> StaleAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TelemetryTable table, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(DeviceStateStatements.Stale(table), connection, transaction);
        command.Parameters.AddWithValue("Age", StaleAfter);
        command.Parameters.AddWithValue("Limit", BatchSize);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids];
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Guid[] nodeIds, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter("NodeIds", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = nodeIds });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
