namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>The Telemetry module's bookkeeping rows: a node's device state and its poll cursor.</summary>
public static class TelemetryRows
{
    /// <summary>What the device-state refresh would have recorded for <paramref name="node"/>: its last reading now.</summary>
    public static Task DeviceStateAsync(TestDatabase database, Guid node, string telemetryType, int readings24h, double batteryVoltage, int rssiDbm) =>
        Rows.InsertAsync(database, """
            INSERT INTO telemetry.device_states (node_id, telemetry_type, last_reading_at, readings_24h, battery_voltage, rssi_dbm)
            VALUES (@node, @telemetryType, now(), @readings24h, @batteryVoltage, @rssiDbm)
            """, new { node, telemetryType, readings24h, batteryVoltage, rssiDbm });

    /// <summary>Places the node's poll cursor: its feed read up to <paramref name="ago"/> back, no id taken, pages of <paramref name="pageSize"/>.</summary>
    public static Task IngestionCursorAsync(TestDatabase database, Guid node, TimeSpan ago, int pageSize) => Rows.InsertAsync(database, """
        INSERT INTO telemetry.ingestion_cursors (node_id, last_entry_id, read_until, page_size) VALUES (@node, 0, now() - @ago, @pageSize)
        """, new { node, ago, pageSize });
}
