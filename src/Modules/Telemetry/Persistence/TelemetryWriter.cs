using System.Buffers;
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
/// lock the batch's nodes → read which of its (node, timestamp) pairs are stored → stage (binary COPY) and insert the
/// others (a pair repeated inside the batch keeps its first occurrence) → derive per-row increases from the previous
/// reading (late rows also fix the reading after them) → latest values → device state. Per-node advisory locks serialise two batches of one node, so derived values and
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
            var nodeIds = rows.Select(r => r.NodeId).Distinct().Order().ToArray();
            await LockNodesAsync(connection, transaction, nodeIds, cancellationToken);
            var written = await InsertNewAsync(connection, transaction, layout, rows, wire, cancellationToken);
            var nodes = written.GroupBy(r => r.NodeId).Select(g => new NodeWritten(g.Key, [.. g.OrderBy(r => r.Timestamp)])).ToList();
            foreach (var node in nodes)
            {
                byNode[node.NodeId] = node.Readings;
            }

            if (nodes.Count > 0)
            {
                await DeriveAsync(connection, transaction, layout.Table, nodeIds, nodes, cancellationToken);
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

    /// <summary>
    /// Stages the rows whose (node, timestamp) is not stored yet, each pair at its first occurrence in the batch, and
    /// inserts them. The caller holds the nodes' locks, so no other writer can store one of these pairs in between: the
    /// insert needs no conflict check (<c>ON CONFLICT</c> made it a third slower), and the primary key still refuses a
    /// pair stored twice.
    /// </summary>
    /// <returns>the rows written</returns>
    private static async Task<IReadOnlyList<IReading>> InsertNewAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, StagedLayout layout, List<IReading> rows, WireMode wire,
        CancellationToken cancellationToken)
    {
        var taken = await StoredKeysAsync(connection, transaction, layout.Table, rows, cancellationToken);
        var fresh = new List<IReading>(rows.Count);
        foreach (var row in rows)
        {
            if (taken.Add(Key(row.NodeId, row.Timestamp)))
            {
                fresh.Add(row);
            }
        }

        if (fresh.Count == 0)
        {
            return fresh;
        }

        await ExecuteAsync(connection, transaction, WriterStatements.PrepareStaging(layout.Table), cancellationToken);
        if (wire == WireMode.BinaryCopy)
        {
            var columns = layout.ColumnsFor(fresh);
            await CopyAsync(connection, WriterStatements.CopyStaging(layout.Table, columns), columns, fresh, cancellationToken);
        }
        else
        {
            // Small messages: the PGlite wire server also fails on parameters of some tens of kilobytes.
            foreach (var chunk in fresh.Chunk(20))
            {
                await ExecuteAsync(connection, transaction, WriterStatements.StageJson(layout), cancellationToken,
                    new NpgsqlParameter("rows", NpgsqlDbType.Text) { Value = layout.ToJson(chunk) });
            }
        }

        await ExecuteAsync(connection, transaction, WriterStatements.InsertStaged(layout), cancellationToken);
        return fresh;
    }

    /// <summary>The (node, timestamp) pairs already stored between each node's oldest and newest reading of the batch.</summary>
    private static async Task<HashSet<(Guid, long)>> StoredKeysAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, TelemetryTable table, List<IReading> rows, CancellationToken cancellationToken)
    {
        var spans = rows.GroupBy(r => r.NodeId).Select(g => (NodeId: g.Key, From: g.Min(r => r.Timestamp), To: g.Max(r => r.Timestamp))).ToList();
        await using var command = new NpgsqlCommand(WriterStatements.StoredKeys(table), connection, transaction);
        command.Parameters.Add(NodeIds([.. spans.Select(s => s.NodeId)]));
        command.Parameters.Add(new NpgsqlParameter("From", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = spans.Select(s => StoredTime.Of(s.From).UtcDateTime).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("To", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = spans.Select(s => StoredTime.Of(s.To).UtcDateTime).ToArray() });
        var keys = new HashSet<(Guid, long)>(rows.Count);
        await using var stored = await command.ExecuteReaderAsync(cancellationToken);
        while (await stored.ReadAsync(cancellationToken))
        {
            keys.Add(Key(stored.GetGuid(0), stored.GetFieldValue<DateTimeOffset>(1)));
        }

        return keys;
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
        NpgsqlConnection connection, string copy, IReadOnlyList<StagedColumn> columns, IReadOnlyCollection<IReading> rows, CancellationToken cancellationToken)
    {
        var encoded = new ArrayBufferWriter<byte>(64 + rows.Count * 16 * columns.Count);
        BinaryCopyRows.Header(encoded);
        foreach (var row in rows)
        {
            BinaryCopyRows.Row(encoded, columns.Count);
            foreach (var column in columns)
            {
                column.Encode(encoded, row);
            }
        }

        BinaryCopyRows.Trailer(encoded);
        await using var stream = await connection.BeginRawBinaryCopyAsync(copy, cancellationToken);
        await stream.WriteAsync(encoded.WrittenMemory, cancellationToken);
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

/// <summary>A staged column: its name, its wire type, how a reading fills it, and how that value is encoded for binary COPY.</summary>
internal sealed record StagedColumn(string Name, NpgsqlDbType Type, Func<IReading, object?> Value, Action<IBufferWriter<byte>, IReading> Encode);

/// <summary>The columns ingestion supplies for one telemetry type (derived columns are the database's).</summary>
internal sealed record StagedLayout(TelemetryTable Table, Type ReadingType, IReadOnlyList<StagedColumn> Columns)
{
    public static readonly IReadOnlyList<StagedLayout> All =
    [
        new(TelemetryTable.Tank, typeof(TankReading),
        [
            Column<TankReading, Guid>("node_id", NpgsqlDbType.Uuid, r => r.NodeId),
            Column<TankReading, DateTimeOffset>("timestamp", NpgsqlDbType.TimestampTz, r => r.Timestamp.ToUniversalTime()),
            Column<TankReading, float>("water_level_cm", NpgsqlDbType.Real, r => (float)r.WaterLevelCm),
            Column<TankReading, float>("water_level_percent", NpgsqlDbType.Real, r => (float?)r.WaterLevelPercent),
            Column<TankReading, bool>("below_low_level", NpgsqlDbType.Boolean, r => r.BelowLowLevel),
            Column<TankReading, float>("temperature_c", NpgsqlDbType.Real, r => (float?)r.TemperatureC),
            Column<TankReading, int>("tds_ppm", NpgsqlDbType.Integer, r => r.TdsPpm),
            Column<TankReading, float>("ph", NpgsqlDbType.Real, r => (float?)r.Ph),
            Column<TankReading, float>("battery_voltage", NpgsqlDbType.Real, r => (float?)r.BatteryVoltage),
            Column<TankReading, short>("rssi_dbm", NpgsqlDbType.Smallint, r => (short?)r.RssiDbm),
            Text<TankReading>("metadata", NpgsqlDbType.Jsonb, r => r.Metadata ?? "{}"),
        ]),
        new(TelemetryTable.Flow, typeof(FlowReading),
        [
            Column<FlowReading, Guid>("node_id", NpgsqlDbType.Uuid, r => r.NodeId),
            Column<FlowReading, DateTimeOffset>("timestamp", NpgsqlDbType.TimestampTz, r => r.Timestamp.ToUniversalTime()),
            Column<FlowReading, float>("flow_rate_lpm", NpgsqlDbType.Real, r => (float)r.FlowRateLpm),
            Column<FlowReading, double>("cumulative_volume_liters", NpgsqlDbType.Double, r => r.CumulativeVolumeLiters),
            Column<FlowReading, float>("pressure_bar", NpgsqlDbType.Real, r => (float?)r.PressureBar),
            Column<FlowReading, float>("temperature_c", NpgsqlDbType.Real, r => (float?)r.TemperatureC),
            Text<FlowReading>("metadata", NpgsqlDbType.Jsonb, r => r.Metadata ?? "{}"),
        ]),
        new(TelemetryTable.Deep, typeof(DeepReading),
        [
            Column<DeepReading, Guid>("node_id", NpgsqlDbType.Uuid, r => r.NodeId),
            Column<DeepReading, DateTimeOffset>("timestamp", NpgsqlDbType.TimestampTz, r => r.Timestamp.ToUniversalTime()),
            Column<DeepReading, float>("static_water_level_m", NpgsqlDbType.Real, r => (float?)r.StaticWaterLevelM),
            Column<DeepReading, float>("dynamic_water_level_m", NpgsqlDbType.Real, r => (float?)r.DynamicWaterLevelM),
            Text<DeepReading>("pump_status", NpgsqlDbType.Text, r => r.PumpStatus),
            Column<DeepReading, float>("pump_current_a", NpgsqlDbType.Real, r => (float?)r.PumpCurrentA),
            Column<DeepReading, float>("voltage_v", NpgsqlDbType.Real, r => (float?)r.VoltageV),
            Column<DeepReading, double>("energy_kwh", NpgsqlDbType.Double, r => r.EnergyKwh),
            Text<DeepReading>("metadata", NpgsqlDbType.Jsonb, r => r.Metadata ?? "{}"),
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

    private static StagedColumn Column<TReading, TValue>(string name, NpgsqlDbType type, Func<TReading, TValue?> value)
        where TReading : IReading
        where TValue : struct => new(name, type, r => value((TReading)r), (rows, r) =>
        {
            if (value((TReading)r) is { } present)
            {
                BinaryCopyRows.Value(rows, present);
            }
            else
            {
                BinaryCopyRows.Null(rows);
            }
        });

    /// <param name="type">text or jsonb</param>
    private static StagedColumn Text<TReading>(string name, NpgsqlDbType type, Func<TReading, string?> value)
        where TReading : IReading
    {
        Action<IBufferWriter<byte>, string> encode = type == NpgsqlDbType.Jsonb ? BinaryCopyRows.Jsonb : BinaryCopyRows.Text;
        return new(name, type, r => value((TReading)r), (rows, r) =>
        {
            if (value((TReading)r) is { } present)
            {
                encode(rows, present);
            }
            else
            {
                BinaryCopyRows.Null(rows);
            }
        });
    }
}
