using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>
/// The writer's SQL. Identifiers come from <see cref="TelemetryTable"/> and <see cref="StagedLayout"/> only; staging
/// tables are temporary, per connection, and emptied at commit.
/// </summary>
internal static class WriterStatements
{
    /// <summary>Columns of a raw row that are not measurements: left out of the latest values.</summary>
    private const string NotMeasured = "ARRAY['node_id', 'timestamp', 'metadata', 'volume_delta_liters', 'energy_delta_kwh', 'pump_running_seconds']";

    /// <summary>One transaction-scoped advisory lock per node, taken in id order (the ids arrive sorted).</summary>
    public const string LockNodes = """
        SELECT pg_advisory_xact_lock(hashtextextended('telemetry:' || id::text, 0))
        FROM unnest(@NodeIds::uuid[]) AS id
        """;

    /// <summary>
    /// The staging tables live as long as their connection and are emptied at every commit (or rollback). Dropping
    /// them at commit instead cost a catalog write per table per batch and re-planned, on every batch, each prepared
    /// statement that reads them. The DELETE empties one when a transaction writes a second batch (on an empty table it
    /// costs nothing; TRUNCATE would write the catalog again).
    /// </summary>
    public static string PrepareStaging(TelemetryTable table) => $"""
        CREATE TEMP TABLE IF NOT EXISTS telemetry_stage_{table.Key} (LIKE {table.RawTable} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;
        DELETE FROM telemetry_stage_{table.Key};
        """;

    public static string CopyStaging(TelemetryTable table, IEnumerable<StagedColumn> columns) =>
        $"COPY telemetry_stage_{table.Key} ({StagedLayout.List(columns)}) FROM STDIN (FORMAT BINARY)";

    public static string StageJson(StagedLayout layout) => $"""
        INSERT INTO telemetry_stage_{layout.Table.Key} ({layout.ColumnList})
        SELECT {layout.ColumnList} FROM jsonb_populate_recordset(NULL::telemetry_stage_{layout.Table.Key}, @rows::jsonb)
        """;

    /// <summary>
    /// The stored (node, timestamp) pairs of each node between @From and @To: a range of its primary key (LATERAL, so
    /// each node reads only the partitions its range touches).
    /// </summary>
    public static string StoredKeys(TelemetryTable table) => $"""
        SELECT r.node_id, r."timestamp"
        FROM unnest(@NodeIds::uuid[], @From::timestamptz[], @To::timestamptz[]) AS s(node_id, since, until)
        CROSS JOIN LATERAL (
            SELECT r.node_id, r."timestamp"
            FROM {table.RawTable} r
            WHERE r.node_id = s.node_id AND r."timestamp" BETWEEN s.since AND s.until) r
        """;

    /// <summary>The staged rows, all new: the writer staged only pairs not stored yet, under the nodes' locks.</summary>
    public static string InsertStaged(StagedLayout layout) => $"""
        INSERT INTO {layout.Table.RawTable} ({layout.ColumnList})
        SELECT {layout.ColumnList}
        FROM telemetry_stage_{layout.Table.Key}
        """;

    /// <summary>The derived columns of a type, each recomputed from every written node's first new reading (@FirstNew) onwards.</summary>
    public static IReadOnlyList<string> Derivations(TelemetryTable table) => table.Key switch
    {
        "flow" => [CounterIncrease(table, "cumulative_volume_liters", "volume_delta_liters")],
        "deep" => [CounterIncrease(table, "energy_kwh", "energy_delta_kwh"), PumpRunningSeconds(table)],
        _ => [],
    };

    /// <summary>
    /// increase = counter_increase(previous non-null counter, this counter), over the rows that carry a counter.
    /// </summary>
    private static string CounterIncrease(TelemetryTable table, string counter, string increase) => Rederive(table, increase,
        rows: $"r.{counter} IS NOT NULL",
        value: $"telemetry.counter_increase(lag(r.{counter}) OVER w, r.{counter})");

    /// <summary>
    /// The seconds before each reading during which the pump ran: the gap since the previous reading when that one
    /// said 'running', at most 15 minutes (a longer silence says nothing about the pump).
    /// </summary>
    private static string PumpRunningSeconds(TelemetryTable table) => Rederive(table, "pump_running_seconds",
        rows: "true",
        value: """
            CASE
                WHEN lag(r."timestamp") OVER w IS NULL THEN NULL
                WHEN lag(r.pump_status) OVER w = 'running'
                    THEN least(extract(epoch FROM r."timestamp" - lag(r."timestamp") OVER w), 900)::real
                ELSE 0
            END
            """);

    /// <summary>
    /// Recomputes a derived column from each row's predecessor among <paramref name="rows"/> (window <c>w</c>, by time).
    /// Per node, the window starts at the last such row before the node's first new reading (the anchor, never updated
    /// itself) and runs to the node's newest reading, so a late reading also corrects the one after it; only values
    /// that change are written. Each node's rows are read by a range of its primary key (LATERAL), whatever the
    /// table's size.
    /// </summary>
    private static string Rederive(TelemetryTable table, string column, string rows, string value) => $"""
        WITH span AS (
            SELECT * FROM unnest(@NodeIds::uuid[], @FirstNew::timestamptz[]) AS s(node_id, first_new)),
        sequenced AS (
            SELECT s.node_id, c."timestamp", c.value
            FROM span s
            CROSS JOIN LATERAL (
                SELECT coalesce(max(r."timestamp"), s.first_new) AS anchor
                FROM {table.RawTable} r
                WHERE r.node_id = s.node_id AND r."timestamp" < s.first_new AND {rows}) a
            CROSS JOIN LATERAL (
                SELECT r."timestamp", {value} AS value
                FROM {table.RawTable} r
                WHERE r.node_id = s.node_id AND r."timestamp" >= a.anchor AND {rows}
                WINDOW w AS (ORDER BY r."timestamp")) c
            WHERE c."timestamp" >= s.first_new)
        UPDATE {table.RawTable} t
        SET {column} = q.value
        FROM sequenced q
        WHERE t.node_id = q.node_id AND t."timestamp" = q."timestamp"
          AND t."timestamp" >= (SELECT min(first_new) FROM span)
          AND t.{column} IS DISTINCT FROM q.value
        """;

    /// <summary>The newest written reading of each node (@Newest) replaces the stored latest one only if it is newer.</summary>
    public static string UpsertLatest(TelemetryTable table) => $"""
        INSERT INTO telemetry.latest_readings AS l (node_id, telemetry_type, "timestamp", "values", updated_at)
        SELECT r.node_id, '{table.Key}', r."timestamp", to_jsonb(r) - {NotMeasured}, now()
        FROM unnest(@NodeIds::uuid[], @Newest::timestamptz[]) AS w(node_id, "timestamp")
        JOIN {table.RawTable} r ON r.node_id = w.node_id AND r."timestamp" = w."timestamp"
        ON CONFLICT (node_id) DO UPDATE
        SET "timestamp" = EXCLUDED."timestamp", "values" = EXCLUDED."values", updated_at = EXCLUDED.updated_at
        WHERE l."timestamp" < EXCLUDED."timestamp"
        """;
}
