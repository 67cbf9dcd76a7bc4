using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.Modules.Telemetry.Persistence;

/// <summary>
/// Device state (telemetry.device_states) recomputed, never incremented: one statement counts the node's readings
/// of the last 24 hours and averages its primary metric from the stored rows, so concurrent batches and readings
/// ageing out of the window both come out right. Callers hold the nodes' advisory locks.
/// </summary>
internal static class DeviceStateStatements
{
    public static string Recompute(TelemetryTable table) => $"""
        INSERT INTO telemetry.device_states AS d
            (node_id, telemetry_type, last_reading_at, readings_24h, primary_avg_24h, battery_voltage, rssi_dbm,
             window_computed_at, updated_at)
        SELECT l.node_id, '{table.Key}', l."timestamp", w.readings, w.primary_avg,
               (l."values" ->> 'battery_voltage')::real, (l."values" ->> 'rssi_dbm')::smallint, now(), now()
        FROM unnest(@NodeIds::uuid[]) AS n(node_id)
        JOIN telemetry.latest_readings l ON l.node_id = n.node_id
        CROSS JOIN LATERAL (
            SELECT count(*)::integer AS readings, avg(r.{table.PrimaryMetric})::double precision AS primary_avg
            FROM {table.RawTable} r
            WHERE r.node_id = n.node_id AND r."timestamp" > now() - interval '24 hours') w
        ON CONFLICT (node_id) DO UPDATE
        SET last_reading_at = EXCLUDED.last_reading_at, readings_24h = EXCLUDED.readings_24h,
            primary_avg_24h = EXCLUDED.primary_avg_24h, battery_voltage = EXCLUDED.battery_voltage,
            rssi_dbm = EXCLUDED.rssi_dbm, window_computed_at = EXCLUDED.window_computed_at, updated_at = EXCLUDED.updated_at
        """;

    /// <summary>Nodes of a type whose 24-hour window has not been recomputed for a while (they went quiet).</summary>
    public static string Stale(TelemetryTable table) => $"""
        SELECT node_id FROM telemetry.device_states
        WHERE telemetry_type = '{table.Key}' AND window_computed_at < now() - @Age
        ORDER BY node_id
        LIMIT @Limit
        """;
}
