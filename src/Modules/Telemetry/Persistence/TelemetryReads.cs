using System.Data;
using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain;
using Npgsql;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>A node's stored latest reading (telemetry.latest_readings): the raw row's measured columns as JSON.</summary>
public sealed record LatestRow(Guid NodeId, string TelemetryType, DateTimeOffset Timestamp, IReadOnlyDictionary<string, JsonElement> Values);

/// <summary>A node's stored health inputs (telemetry.device_states).</summary>
public sealed record DeviceStateRow(HealthInputs Inputs, double? PrimaryAverage24h);

/// <summary>
/// The telemetry API's reads, in the request's <see cref="DbSession"/> (its transaction carries the caller's
/// row-level security context). Callers have already resolved the nodes within the caller's scope; every statement
/// reads by primary key or by (node, time).
/// </summary>
public sealed class TelemetryReads(DbSession db)
{
    internal const string LatestSql = """
        SELECT node_id, telemetry_type, "timestamp", "values"::text
        FROM telemetry.latest_readings
        WHERE node_id = ANY(@NodeIds)
        """;

    internal const string DeviceStateSql = """
        SELECT last_reading_at, readings_24h, battery_voltage::double precision, rssi_dbm::integer, open_alerts, primary_avg_24h
        FROM telemetry.device_states
        WHERE node_id = @NodeId
        """;

    /// <summary>The latest readings of many nodes in one statement (one primary-key probe each).</summary>
    public async Task<IReadOnlyList<LatestRow>> LatestAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken)
    {
        if (nodeIds.Count == 0)
        {
            return [];
        }

        await using var command = await CommandAsync(LatestSql, cancellationToken);
        command.Parameters.AddWithValue("NodeIds", nodeIds.ToArray());
        var rows = new List<LatestRow>(nodeIds.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LatestRow(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2),
                JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(reader.GetString(3))!));
        }

        return rows;
    }

    /// <returns>the node's health inputs, or null before its first reading</returns>
    public async Task<DeviceStateRow?> DeviceStateAsync(Guid nodeId, CancellationToken cancellationToken)
    {
        await using var command = await CommandAsync(DeviceStateSql, cancellationToken);
        command.Parameters.AddWithValue("NodeId", nodeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var inputs = new HealthInputs(
            reader.IsDBNull(0) ? null : reader.GetFieldValue<DateTimeOffset>(0),
            reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetDouble(2),
            reader.IsDBNull(3) ? null : reader.GetInt32(3),
            reader.GetInt32(4));
        return new DeviceStateRow(inputs, reader.IsDBNull(5) ? null : reader.GetDouble(5));
    }

    /// <summary>A series through the module's one series statement (<see cref="SeriesReads"/>).</summary>
    public async Task<IReadOnlyList<SeriesPoint>> SeriesAsync(SeriesSpec spec, CancellationToken cancellationToken) =>
        await SeriesReads.ReadAsync(await db.ConnectionAsync(cancellationToken), db.Transaction, spec, cancellationToken);

    /// <summary>
    /// The raw readings of a node over a range, in time order, handed to <paramref name="row"/> one at a time as they
    /// arrive from the server: nothing of the range is held in memory.
    /// </summary>
    public async Task ReadRawAsync(
        Guid nodeId, TelemetryTable table, DateTimeOffset from, DateTimeOffset to, Func<NpgsqlDataReader, ValueTask> row,
        CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", table.Metrics.Select(m => $"\"{m.Name}\""));
        await using var command = await CommandAsync($"""
            SELECT "timestamp", {columns}
            FROM {table.RawTable}
            WHERE node_id = @NodeId AND "timestamp" >= @From AND "timestamp" < @To
            ORDER BY "timestamp"
            """, cancellationToken);
        command.Parameters.AddWithValue("NodeId", nodeId);
        command.Parameters.AddWithValue("From", from);
        command.Parameters.AddWithValue("To", to);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            await row(reader);
        }
    }

    private async Task<NpgsqlCommand> CommandAsync(string sql, CancellationToken cancellationToken) =>
        new(sql, await db.ConnectionAsync(cancellationToken), db.Transaction);
}
