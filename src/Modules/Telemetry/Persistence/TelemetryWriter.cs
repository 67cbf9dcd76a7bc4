using System.Globalization;
using System.Text.Json;
using EvaraTech.Modules.Telemetry.Domain;
using Npgsql;
using NpgsqlTypes;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>How readings reach the staging table.</summary>
public enum StagingMode
{
    /// <summary>Binary COPY: what the platform uses.</summary>
    BinaryCopy,

    /// <summary>
    /// JSON parameters of 20 rows: for servers whose wire protocol cannot COPY (the PGlite TimescaleDB harness crashes
    /// on COPY FROM STDIN). Everything after the staging table is the same statements.
    /// </summary>
    JsonRows,
}

/// <summary>What became of a batch: written, already stored (same node and timestamp), or refused by time.</summary>
public sealed record WriteResult(int Received, int Written, int Duplicates, int TooOld, int InFuture);

/// <summary>
/// Stores a batch of typed readings, idempotently on (node, timestamp), in the caller's transaction:
/// stage (binary COPY) → lock the batch's nodes → insert what is new → derive per-row increases from the previous
/// reading (late rows also fix the reading after them) → latest values → device state. Per-node advisory locks
/// serialise two batches of one node, so derived values and device state never lose an update.
/// </summary>
public static class TelemetryWriter
{
    public static async Task<WriteResult> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<IReading> readings, DateTimeOffset now,
        StagingMode staging, CancellationToken cancellationToken) =>
        (await WriteByNodeAsync(connection, transaction, readings, now, staging, cancellationToken)).Total;

    /// <returns>the batch's totals, and how many readings of each node were written (nodes with none are absent)</returns>
    public static async Task<(WriteResult Total, IReadOnlyDictionary<Guid, int> WrittenByNode)> WriteByNodeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<IReading> readings, DateTimeOffset now,
        StagingMode staging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction); // the staging tables keep rows until the commit
        var tooOld = 0;
        var inFuture = 0;
        var accepted = new List<IReading>(readings.Count);
        foreach (var reading in readings)
        {
            switch (ReadingWindow.Classify(reading.Timestamp, now))
            {
                case ReadingTime.TooOld: tooOld++; break;
                case ReadingTime.InFuture: inFuture++; break;
                default: accepted.Add(reading); break;
            }
        }

        var byNode = new Dictionary<Guid, int>();
        foreach (var (layout, rows) in StagedLayout.All.Select(l => (l, accepted.Where(l.Holds).ToList())).Where(g => g.Item2.Count > 0))
        {
            await WriteTypeAsync(connection, transaction, layout, rows, staging, byNode, cancellationToken);
        }

        var written = byNode.Values.Sum();
        return (new WriteResult(readings.Count, written, accepted.Count - written, tooOld, inFuture), byNode);
    }

    private static async Task WriteTypeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StagedLayout layout, List<IReading> rows, StagingMode staging,
        Dictionary<Guid, int> writtenByNode, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, WriterStatements.PrepareStaging(layout.Table), cancellationToken);
        if (staging == StagingMode.BinaryCopy)
        {
            await CopyAsync(connection, layout, rows, cancellationToken);
        }
        else
        {
            // Small messages: the PGlite wire server also fails on parameters of some tens of kilobytes.
            foreach (var chunk in rows.Chunk(20))
            {
                await ExecuteAsync(connection, transaction, WriterStatements.StageJson(layout), cancellationToken,
                    new NpgsqlParameter("rows", NpgsqlDbType.Text) { Value = layout.ToJson(chunk) });
            }
        }

        var nodeIds = rows.Select(r => r.NodeId).Distinct().Order().ToArray();
        await LockNodesAsync(connection, transaction, nodeIds, cancellationToken);
        var written = 0;
        await using (var insert = new NpgsqlCommand(WriterStatements.InsertNew(layout), connection, transaction))
        await using (var counts = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await counts.ReadAsync(cancellationToken))
            {
                writtenByNode[counts.GetGuid(0)] = counts.GetInt32(1);
                written += counts.GetInt32(1);
            }
        }

        if (written == 0)
        {
            return;
        }

        foreach (var derivation in WriterStatements.Derivations(layout.Table))
        {
            await ExecuteAsync(connection, transaction, derivation, cancellationToken);
        }

        await ExecuteAsync(connection, transaction, WriterStatements.UpsertLatest(layout.Table), cancellationToken);
        await RecomputeDeviceStatesAsync(connection, transaction, layout.Table, nodeIds, cancellationToken);
    }

    /// <summary>Takes the nodes' transaction-scoped advisory locks, in id order (<paramref name="nodeIds"/> sorted).</summary>
    internal static Task LockNodesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] nodeIds, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, WriterStatements.LockNodes, cancellationToken, NodeIds(nodeIds));

    /// <summary>Recomputes the nodes' device state from their stored readings; the caller holds their locks.</summary>
    internal static Task RecomputeDeviceStatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TelemetryTable table, Guid[] nodeIds, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, DeviceStateStatements.Recompute(table), cancellationToken, NodeIds(nodeIds));

    private static NpgsqlParameter NodeIds(Guid[] nodeIds) => new("NodeIds", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = nodeIds };

    private static async Task CopyAsync(NpgsqlConnection connection, StagedLayout layout, List<IReading> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(WriterStatements.CopyStaging(layout), cancellationToken);

        // The importer buffers and flushes by itself; writing values synchronously spares a state machine per value.
        foreach (var row in rows)
        {
            importer.StartRow();
            foreach (var column in layout.Columns)
            {
                if (column.Value(row) is { } value)
                {
                    importer.Write(value, column.Type);
                }
                else
                {
                    importer.WriteNull();
                }
            }
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static async Task<int> ExecuteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>A staged column: its name, its wire type and how a reading fills it.</summary>
internal sealed record StagedColumn(string Name, NpgsqlDbType Type, Func<IReading, object?> Value);

/// <summary>The columns ingestion supplies for one telemetry type (derived columns are the database's).</summary>
internal sealed record StagedLayout(TelemetryTable Table, Type ReadingType, IReadOnlyList<StagedColumn> Columns)
{
    public static readonly IReadOnlyList<StagedLayout> All =
    [
        new(TelemetryTable.Tank, typeof(TankReading),
        [
            Column<TankReading>("node_id", NpgsqlDbType.Uuid, r => r.NodeId),
            Column<TankReading>("timestamp", NpgsqlDbType.TimestampTz, r => r.Timestamp.ToUniversalTime()),
            Column<TankReading>("water_level_cm", NpgsqlDbType.Real, r => (float)r.WaterLevelCm),
            Column<TankReading>("water_level_percent", NpgsqlDbType.Real, r => (float?)r.WaterLevelPercent),
            Column<TankReading>("below_low_level", NpgsqlDbType.Boolean, r => r.BelowLowLevel),
            Column<TankReading>("temperature_c", NpgsqlDbType.Real, r => (float?)r.TemperatureC),
            Column<TankReading>("tds_ppm", NpgsqlDbType.Integer, r => r.TdsPpm),
            Column<TankReading>("ph", NpgsqlDbType.Real, r => (float?)r.Ph),
            Column<TankReading>("battery_voltage", NpgsqlDbType.Real, r => (float?)r.BatteryVoltage),
            Column<TankReading>("rssi_dbm", NpgsqlDbType.Smallint, r => (short?)r.RssiDbm),
            Column<TankReading>("metadata", NpgsqlDbType.Jsonb, r => r.Metadata ?? "{}"),
        ]),
        new(TelemetryTable.Flow, typeof(FlowReading),
        [
            Column<FlowReading>("node_id", NpgsqlDbType.Uuid, r => r.NodeId),
            Column<FlowReading>("timestamp", NpgsqlDbType.TimestampTz, r => r.Timestamp.ToUniversalTime()),
            Column<FlowReading>("flow_rate_lpm", NpgsqlDbType.Real, r => (float)r.FlowRateLpm),
            Column<FlowReading>("cumulative_volume_liters", NpgsqlDbType.Double, r => r.CumulativeVolumeLiters),
            Column<FlowReading>("pressure_bar", NpgsqlDbType.Real, r => (float?)r.PressureBar),
            Column<FlowReading>("temperature_c", NpgsqlDbType.Real, r => (float?)r.TemperatureC),
            Column<FlowReading>("metadata", NpgsqlDbType.Jsonb, r => r.Metadata ?? "{}"),
        ]),
        new(TelemetryTable.Deep, typeof(DeepReading),
        [
            Column<DeepReading>("node_id", NpgsqlDbType.Uuid, r => r.NodeId),
            Column<DeepReading>("timestamp", NpgsqlDbType.TimestampTz, r => r.Timestamp.ToUniversalTime()),
            Column<DeepReading>("static_water_level_m", NpgsqlDbType.Real, r => (float?)r.StaticWaterLevelM),
            Column<DeepReading>("dynamic_water_level_m", NpgsqlDbType.Real, r => (float?)r.DynamicWaterLevelM),
            Column<DeepReading>("pump_status", NpgsqlDbType.Text, r => r.PumpStatus),
            Column<DeepReading>("pump_current_a", NpgsqlDbType.Real, r => (float?)r.PumpCurrentA),
            Column<DeepReading>("voltage_v", NpgsqlDbType.Real, r => (float?)r.VoltageV),
            Column<DeepReading>("energy_kwh", NpgsqlDbType.Double, r => r.EnergyKwh),
            Column<DeepReading>("metadata", NpgsqlDbType.Jsonb, r => r.Metadata ?? "{}"),
        ]),
    ];

    public string ColumnList => string.Join(", ", Columns.Select(c => $"\"{c.Name}\""));

    public bool Holds(IReading reading) => reading.GetType() == ReadingType;

    /// <summary>The rows as a JSON array for <see cref="StagingMode.JsonRows"/>; floats keep their exact single value.</summary>
    public string ToJson(IEnumerable<IReading> rows) => JsonSerializer.Serialize(rows.Select(row => Columns.ToDictionary(
        c => c.Name,
        c => c.Value(row) switch
        {
            float f => (object)f.ToString("R", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
            string json when c.Type == NpgsqlDbType.Jsonb => JsonDocument.Parse(json).RootElement,
            var other => other,
        })));

    private static StagedColumn Column<TReading>(string name, NpgsqlDbType type, Func<TReading, object?> value)
        where TReading : IReading => new(name, type, r => value((TReading)r));
}
