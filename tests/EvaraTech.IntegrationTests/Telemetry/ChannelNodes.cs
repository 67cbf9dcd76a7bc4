using EvaraTech.IntegrationTests.Infrastructure;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// A node on a channel of the fake ThingSpeak (a tank: field1 level in cm, field2 temperature, field3 battery, unscaled),
/// also pushed to when it has a write key.
/// </summary>
public sealed record ChannelNode(Guid Id, FakeChannel Channel)
{
    public Task<string?> StoredLevelsAsync() => Platform.Database.ScalarAsync<string>(
        $"SELECT string_agg(water_level_cm::text, ',' ORDER BY \"timestamp\") FROM telemetry.telemetry_tank WHERE node_id = '{Id}'");

    /// <summary>Places the node's poll cursor: its feed read up to <paramref name="ago"/> back, no id taken, pages of <paramref name="pageSize"/>.</summary>
    public Task ReadUntilAsync(TimeSpan ago, int pageSize) => Platform.Database.ExecuteAsync(
        "INSERT INTO telemetry.ingestion_cursors (node_id, last_entry_id, read_until, page_size) VALUES (@Node, 0, now() - @Ago, @PageSize)",
        ("Node", Id), ("Ago", ago), ("PageSize", pageSize));

    public Task<string?> RejectionsAsync() => Platform.Database.ScalarAsync<string>(
        $"SELECT string_agg(entry_id || ': ' || reason, ' | ' ORDER BY entry_id) FROM telemetry.telemetry_rejections WHERE node_id = '{Id}'");

    public async Task<List<DateTime>> StoredTimesAsync()
    {
        await using var connection = new NpgsqlConnection(Platform.Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT \"timestamp\" FROM telemetry.telemetry_tank WHERE node_id = @Id", connection);
        command.Parameters.AddWithValue("Id", Id);
        var times = new List<DateTime>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            times.Add(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc));
        }

        return times;
    }
}

public static class ChannelNodes
{
    private static readonly Guid Distributor = Guid.Parse("0000000b-0000-4000-8000-000000000002");

    public static Task<ChannelNode> ArrangeTankAsync(TestDatabase database, FakeChannel channel, string? writeKey = null) =>
        ArrangeAsync(database, channel, writeKey, "OHT", "EvaraTank", """
            INSERT INTO nodes.device_config_tank (node_id, max_depth_cm, low_level_percent) VALUES (@Node, 1000, 20);
            INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type, scale_factor, value_offset)
            VALUES (gen_random_uuid(), @Node, 'field1', 'water_level_cm', 'float', 1, 0),
                   (gen_random_uuid(), @Node, 'field2', 'temperature_c', 'float', 1, 0),
                   (gen_random_uuid(), @Node, 'field3', 'battery_voltage', 'float', 1, 0);
            """);

    /// <summary>A borewell pushed to by its device: field1 pump status, field2 pump current.</summary>
    public static Task<ChannelNode> ArrangeDeepAsync(TestDatabase database, long channelId, string writeKey) =>
        ArrangeAsync(database, new FakeChannel(channelId, "UNUSEDREADKEY01"), writeKey, "Borewell", "EvaraDeep", """
            INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type, scale_factor, value_offset)
            VALUES (gen_random_uuid(), @Node, 'field1', 'pump_status', 'string', 1, 0),
                   (gen_random_uuid(), @Node, 'field2', 'pump_current_a', 'float', 1, 0);
            """);

    private static async Task<ChannelNode> ArrangeAsync(TestDatabase database, FakeChannel channel, string? writeKey, string category, string type, string config)
    {
        var node = new ChannelNode(Guid.CreateVersion7(), channel);
        await database.ExecuteAsync($"""
            INSERT INTO tenancy.distributors (id, name) VALUES (@Distributor, 'Channels') ON CONFLICT DO NOTHING;
            INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, owner_distributor_id)
            VALUES (@Node, @Key, 'Channel node', '{category}', '{type}', 'distributor', @Distributor, @Distributor);
            INSERT INTO nodes.node_operational_state (node_id) VALUES (@Node);
            INSERT INTO nodes.thingspeak_channels (node_id, channel_id, read_key, write_key) VALUES (@Node, @Channel, @ReadKey, nullif(@WriteKey, ''));
            {config}
            """,
            ("Distributor", Distributor), ("Node", node.Id), ("Key", $"CH-{node.Id:N}"[..20]), ("Channel", channel.Id), ("ReadKey", channel.ReadKey),
            ("WriteKey", writeKey ?? ""));
        return node;
    }
}
