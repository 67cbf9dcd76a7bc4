using System.Globalization;
using EvaraTech.Demo;
using Npgsql;

namespace EvaraTech.TestSupport;

/// <summary>
/// Nodes on the ThingSpeak simulator's synthetic channels (3,000,000 up, read key <c>SIMKEY&lt;id&gt;</c>; tank, flow,
/// deep in turn, as the simulator cycles them), every field mapped as on the demo channels, under one distributor.
/// One statement however many nodes: the poll benchmark makes 10,000, the two-instance test 200.
/// </summary>
public static class SimulatedNodes
{
    public const long FirstChannelId = 3_000_000;

    public static readonly Guid Distributor = Guid.Parse("0000000c-0000-4000-8000-000000000001");

    private static readonly (string Type, string Category)[] Kinds =
        [(DemoTypes.Tank, "OHT"), (DemoTypes.Flow, "FlowMeter"), (DemoTypes.Deep, "Borewell")];

    private const string Insert = """
        INSERT INTO tenancy.distributors (id, name) VALUES (@Distributor, 'Simulated') ON CONFLICT DO NOTHING;

        CREATE TEMP TABLE simulated_kinds (kind int, category text, analytics_type text) ON COMMIT DROP;
        INSERT INTO simulated_kinds SELECT * FROM unnest(@Kinds::int[], @Categories::text[], @Types::text[]);
        CREATE TEMP TABLE simulated_fields (kind int, field text, metric text, data_type text) ON COMMIT DROP;
        INSERT INTO simulated_fields SELECT * FROM unnest(@FieldKinds::int[], @Fields::text[], @Metrics::text[], @DataTypes::text[]);

        CREATE TEMP TABLE simulated_nodes ON COMMIT DROP AS
        SELECT gen_random_uuid() AS id, @FirstChannel + i AS channel_id, i % 3 AS kind FROM generate_series(0, @Count - 1) AS i;

        INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, owner_distributor_id)
        SELECT n.id, 'SIM-' || n.channel_id, 'Simulated ' || n.channel_id, k.category, k.analytics_type, 'distributor', @Distributor, @Distributor
        FROM simulated_nodes n JOIN simulated_kinds k USING (kind);
        INSERT INTO nodes.node_operational_state (node_id) SELECT id FROM simulated_nodes;
        INSERT INTO nodes.thingspeak_channels (node_id, channel_id, read_key_sealed, read_key_hint)
        SELECT n.id, n.channel_id, k.sealed, right(n.channel_id::text, 4)
        FROM simulated_nodes n JOIN unnest(@SealedReadKeys::text[]) WITH ORDINALITY AS k(sealed, i) ON n.channel_id = @FirstChannel + k.i - 1;
        INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type)
        SELECT gen_random_uuid(), n.id, f.field, f.metric, f.data_type FROM simulated_nodes n JOIN simulated_fields f USING (kind);
        """;

    /// <summary>Creates <paramref name="count"/> nodes on channels 3,000,000 up (as the owner: a seed, not the API).</summary>
    /// <param name="sealReadKey">the platform's sealing of a read key, as the API under test will open it</param>
    public static async Task ArrangeAsync(string adminConnectionString, int count, Func<string, string> sealReadKey)
    {
        var fields = Kinds.Select((kind, index) => (kind.Type, index))
            .SelectMany(k => DemoCatalogue.MappedFields[k.Type].Select((mapped, f) =>
                (Kind: k.index, Field: $"field{f + 1}", Metric: mapped.Name, mapped.DataType)))
            .ToList();
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(Insert, connection, transaction);
        command.Parameters.AddWithValue("Distributor", Distributor);
        command.Parameters.AddWithValue("FirstChannel", FirstChannelId);
        command.Parameters.AddWithValue("Count", count);
        command.Parameters.AddWithValue("SealedReadKeys", Enumerable.Range(0, count).Select(i => sealReadKey(ReadKeyOf(ChannelOf(i)))).ToArray());
        command.Parameters.AddWithValue("Kinds", Enumerable.Range(0, Kinds.Length).ToArray());
        command.Parameters.AddWithValue("Categories", Kinds.Select(k => k.Category).ToArray());
        command.Parameters.AddWithValue("Types", Kinds.Select(k => k.Type).ToArray());
        command.Parameters.AddWithValue("FieldKinds", fields.Select(f => f.Kind).ToArray());
        command.Parameters.AddWithValue("Fields", fields.Select(f => f.Field).ToArray());
        command.Parameters.AddWithValue("Metrics", fields.Select(f => f.Metric).ToArray());
        command.Parameters.AddWithValue("DataTypes", fields.Select(f => f.DataType).ToArray());
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }

    /// <summary>The channel of the <paramref name="index"/>-th node, as the simulator numbers it.</summary>
    public static long ChannelOf(int index) => FirstChannelId + index;

    public static string ReadKeyOf(long channelId) => "SIMKEY" + channelId.ToString(CultureInfo.InvariantCulture);
}
