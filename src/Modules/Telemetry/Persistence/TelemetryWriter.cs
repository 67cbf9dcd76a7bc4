using System.Globalization;
using System.Text.Json;
using EvaraTech.Modules.Telemetry.Contracts;
using EvaraTech.Modules.Telemetry.Domain;
using Npgsql;
using NpgsqlTypes;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>How readings travel to the server.</summary>
public enum WireMode
{
    /// <summary>Binary COPY into the staging table: what the platform uses.</summary>
    BinaryCopy,

    /// <summary>
    /// JSON parameters of 20 rows into the staging table: for servers whose wire protocol cannot COPY (the PGlite
    /// TimescaleDB harness crashes on COPY FROM STDIN). Everything after the staging table is the same statements.
    /// </summary>
    JsonRows,
}

/// <summary>What became of a batch: written, already stored (same node and timestamp), or refused by time.</summary>
public sealed record WriteResult(int Received, int Written, int Duplicates, int TooOld, int InFuture);

/// <summary>
/// Stores a batch of typed readings, idempotently on (node, timestamp), in the caller's transaction:
/// stage (binary COPY) → lock the batch's nodes → insert what is new (a pair repeated inside the batch keeps its first
/// occurrence) → derive per-row increases from the previous reading (late rows also fix the reading after them) →
/// latest values → device state. Per-node advisory locks serialise two batches of one node, so derived values and
/// device state never lose an update. Answers the readings it wrote, for the batch's events.
/// </summary>
public static class TelemetryWriter
{
    public static async Task<WriteResult> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<IReading> readings, DateTimeOffset now,
        WireMode wire, CancellationToken cancellationToken) =>
        (await WriteByNodeAsync(connection, transaction, readings, now, wire, cancellationToken)).Total;

    /// <returns>the batch's totals, and the readings of each node that were written (nodes with none are absent)</returns>
    public static async Task<(WriteResult Total, IReadOnlyDictionary<Guid, IReadOnlyList<IReading>> WrittenByNode)> WriteByNodeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyCollection<IReading> readings, DateTimeOffset now,
        WireMode wire, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction); // the node locks and staging tables last until the commit
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

        var byNode = new Dictionary<Guid, IReadOnlyList<IReading>>();
        foreach (var (layout, rows) in StagedLayout.All.Select(l => (l, accepted.Where(l.Holds).ToList())).Where(g => g.Item2.Count > 0))
        {
            var firsts = new Dictionary<(Guid, long), IReading>(rows.Count);
            foreach (var row in rows)
            {
                firsts.TryAdd(Key(row.NodeId, row.Timestamp), row);
            }

            var written = await InsertNewAsync(connection, transaction, layout, rows, firsts, wire, cancellationToken);
            var nodes = written.GroupBy(r => r.NodeId).Select(g => new NodeWritten(g.Key, [.. g.OrderBy(r => r.Timestamp)])).ToList();
            foreach (var node in nodes)
            {
                byNode[node.NodeId] = node.Readings;
            }

            if (nodes.Count > 0)
            {
                await DeriveAsync(connection, transaction, layout.Table, [.. firsts.Keys.Select(k => k.Item1).Distinct().Order()], nodes, cancellationToken);
            }
        }

        var writtenCount = byNode.Values.Sum(r => r.Count);
        return (new WriteResult(readings.Count, writtenCount, accepted.Count - writtenCount, tooOld, inFuture), byNode);
    }

    /// <summary>The readings one node got from a batch, in time order.</summary>
    private sealed record NodeWritten(Guid NodeId, IReadOnlyList<IReading> Readings)
    {
        public DateTime FirstNew => Readings[0].Timestamp.UtcDateTime;

        public DateTime Newest => Readings[^1].Timestamp.UtcDateTime;
    }

    /// <summary>(node, timestamp) as the database keeps it.</summary>
    private static (Guid, long) Key(Guid nodeId, DateTimeOffset timestamp) => (nodeId, StoredTime.Of(timestamp).UtcTicks);

    /// <param name="firsts">the batch's rows, each (node, timestamp) at its first occurrence</param>
    /// <returns>the rows written: of <paramref name="firsts"/>, those the insert answered</returns>
    private static async Task<IReadOnlyCollection<IReading>> InsertNewAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StagedLayout layout, List<IReading> rows,
        Dictionary<(Guid, long), IReading> firsts, WireMode wire, CancellationToken cancellationToken)
    {
        await ExecuteAsync(connection, transaction, WriterStatements.PrepareStaging(layout.Table), cancellationToken);
        if (wire == WireMode.BinaryCopy)
        {
            var columns = layout.ColumnsFor(rows);
            await CopyAsync(connection, WriterStatements.CopyStaging(layout.Table, columns), columns, rows, cancellationToken);
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

        await LockNodesAsync(connection, transaction, [.. rows.Select(r => r.NodeId).Distinct().Order()], cancellationToken);
        var written = new List<IReading>();
        await using var insert = new NpgsqlCommand(WriterStatements.InsertNew(layout), connection, transaction);
        await using var inserted = await insert.ExecuteReaderAsync(cancellationToken);
        while (await inserted.ReadAsync(cancellationToken))
        {
            written.Add(firsts[Key(inserted.GetGuid(0), inserted.GetFieldValue<DateTimeOffset>(1))]);
        }

        return written;
    }

    /// <summary>Derived columns from each node's first new reading on, then latest values and device state.</summary>
    private static async Task DeriveAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TelemetryTable table, Guid[] nodeIds, IReadOnlyList<NodeWritten> written,
        CancellationToken cancellationToken)
    {
        var writtenIds = NodeIds([.. written.Select(w => w.NodeId)]);
        foreach (var derivation in WriterStatements.Derivations(table))
        {
            await ExecuteAsync(connection, transaction, derivation, cancellationToken, writtenIds.Clone(),
                new NpgsqlParameter("FirstNew", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = written.Select(w => w.FirstNew).ToArray() });
        }

        await ExecuteAsync(connection, transaction, WriterStatements.UpsertLatest(table), cancellationToken, writtenIds,
            new NpgsqlParameter("Newest", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = written.Select(w => w.Newest).ToArray() });
        await RecomputeDeviceStatesAsync(connection, transaction, table, nodeIds, cancellationToken);
    }

    /// <summary>Takes the nodes' transaction-scoped advisory locks, in id order (<paramref name="nodeIds"/> sorted).</summary>
    internal static Task LockNodesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] nodeIds, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, WriterStatements.LockNodes, cancellationToken, NodeIds(nodeIds));

    /// <summary>Recomputes the nodes' device state from their stored readings; the caller holds their locks.</summary>
    internal static Task RecomputeDeviceStatesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TelemetryTable table, Guid[] nodeIds, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, DeviceStateStatements.Recompute(table), cancellationToken, NodeIds(nodeIds));

    private static NpgsqlParameter NodeIds(Guid[] nodeIds) => new("NodeIds", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = nodeIds };

    private static async Task CopyAsync(
        NpgsqlConnection connection, string copy, IReadOnlyList<StagedColumn> columns, IEnumerable<IReading> rows, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);

        // The importer buffers and flushes by itself; writing values synchronously spares a state machine per value.
        foreach (var row in rows)
        {
            importer.StartRow();
            foreach (var column in columns)
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

/// <summary>
/// An instant as PostgreSQL keeps it: to the microsecond, the ticks below cut off as binary COPY sends them (the JSON
/// staging path sends them cut the same way, so both paths store, and the writer compares, the same instant).
/// </summary>
internal static class StoredTime
{
    public static DateTimeOffset Of(DateTimeOffset instant) => new(instant.UtcTicks - instant.UtcTicks % 10, TimeSpan.Zero);
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

    public string ColumnList => List(Columns);

    public static string List(IEnumerable<StagedColumn> columns) => string.Join(", ", columns.Select(c => $"\"{c.Name}\""));

    /// <summary>
    /// The columns to send for <paramref name="rows"/>: metadata only when one of them has some (the column's default,
    /// an empty object, spares the server parsing a document per row).
    /// </summary>
    public IReadOnlyList<StagedColumn> ColumnsFor(IEnumerable<IReading> rows) =>
        rows.Any(r => r.Metadata is not null) ? Columns : WithoutMetadata;

    private IReadOnlyList<StagedColumn> WithoutMetadata { get; } = [.. Columns.Where(c => c.Name != "metadata")];

    public static StagedLayout Of(IReading reading) => All.Single(l => l.Holds(reading));

    /// <summary>
    /// The reading as <see cref="ITelemetryBatchReader"/> reads it back: the type's metrics, each as the database
    /// returns its stored value (a real to its shortest digits, a pump's status as running 1 or 0), the time to the
    /// microsecond.
    /// </summary>
    public StoredReading AsStored(IReading reading)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var column in Columns.Where(c => Table.Metric(c.Name) is not null))
        {
            if (column.Value(reading) is { } value)
            {
                values[column.Name] = value switch
                {
                    float f => double.Parse(f.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
                    string status => status == "running" ? 1 : 0,
                    _ => Convert.ToDouble(value, CultureInfo.InvariantCulture),
                };
            }
        }

        return new StoredReading(StoredTime.Of(reading.Timestamp), values);
    }

    public bool Holds(IReading reading) => reading.GetType() == ReadingType;

    /// <summary>The rows as a JSON array for <see cref="WireMode.JsonRows"/>; floats keep their exact single value.</summary>
    public string ToJson(IEnumerable<IReading> rows) => JsonSerializer.Serialize(rows.Select(row => Columns.ToDictionary(
        c => c.Name,
        c => c.Value(row) switch
        {
            float f => (object)f.ToString("R", CultureInfo.InvariantCulture),
            DateTimeOffset t => StoredTime.Of(t).ToString("O", CultureInfo.InvariantCulture),
            string json when c.Type == NpgsqlDbType.Jsonb => JsonDocument.Parse(json).RootElement,
            var other => other,
        })));

    private static StagedColumn Column<TReading>(string name, NpgsqlDbType type, Func<TReading, object?> value)
        where TReading : IReading => new(name, type, r => value((TReading)r));
}
