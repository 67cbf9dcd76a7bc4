using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
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
    public Task ReadUntilAsync(TimeSpan ago, int pageSize) => TelemetryRows.IngestionCursorAsync(Platform.Database, Id, ago, pageSize);

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
        ArrangeAsync(database, channel, writeKey, node => node.WithTank(1000)
            .WithMapping("field1", "water_level_cm").WithMapping("field2", "temperature_c").WithMapping("field3", "battery_voltage"));

    /// <summary>A borewell pushed to by its device: field1 pump status, field2 pump current.</summary>
    public static Task<ChannelNode> ArrangeDeepAsync(TestDatabase database, long channelId, string writeKey) =>
        ArrangeAsync(database, new FakeChannel(channelId, "UNUSEDREADKEY01"), writeKey, node => node.Borewell()
            .WithMapping("field1", "pump_status", "string").WithMapping("field2", "pump_current_a"));

    private static async Task<ChannelNode> ArrangeAsync(TestDatabase database, FakeChannel channel, string? writeKey, Func<NodeBuilder, NodeBuilder> kind)
    {
        await Tenants.DistributorAsync(database, Distributor, "Channels");
        var builder = NodeBuilder.OfDistributor(Distributor).Labelled("Channel node").WithState()
            .WithChannel(channel.Id, channel.ReadKey, writeKey);
        return new ChannelNode(await kind(builder).InsertAsync(database), channel);
    }
}
