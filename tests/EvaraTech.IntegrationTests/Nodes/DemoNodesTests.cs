using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Nodes.Demo;
using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Tenancy.Demo;
using Npgsql;

namespace EvaraTech.IntegrationTests.Nodes;

/// <summary>The embedded default's demo nodes: complete, spread over the demo tenants, and written only once.</summary>
public sealed class DemoNodesTests
{
    /// <summary>Every table the demo seeder writes.</summary>
    private static readonly string[] NodeTables =
    [
        "nodes", "node_operational_state", "device_config_tank", "device_config_flow", "device_config_deep", "thingspeak_channels",
        "thingspeak_field_mappings", "device_firmware", "device_tags", "device_tag_assignments",
    ];

    private TestDatabase _database = null!;
    private ApiFactory _api = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => (_database, _api) = await DemoPlatform.StartAsync();

    [Test]
    public async Task The_demo_has_at_least_24_nodes_of_every_analytics_type_and_category()
    {
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(DemoNodes.Nodes, Has.Length.GreaterThanOrEqualTo(24));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM nodes.nodes"), Is.EqualTo(DemoNodes.Nodes.Length));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(DISTINCT analytics_type) FROM nodes.nodes"), Is.EqualTo(3));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(DISTINCT category) FROM nodes.nodes"), Is.EqualTo(4));
            Assert.That(await _database.ScalarAsync<long>("SELECT count(*) FROM nodes.nodes WHERE node_key LIKE 'demo-%'"),
                Is.EqualTo(DemoNodes.Nodes.Length));
        });
    }

    [Test]
    public async Task Every_node_has_its_state_its_types_config_a_channel_mappings_firmware_and_tags()
    {
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await NodesWhereAsync("NOT EXISTS (SELECT 1 FROM nodes.node_operational_state s WHERE s.node_id = n.id AND s.status = 'Provisioning')"),
                Is.Zero, "without a Provisioning state row");
            Assert.That(await NodesWhereAsync("""
                (n.analytics_type = 'EvaraTank') <> EXISTS (SELECT 1 FROM nodes.device_config_tank c WHERE c.node_id = n.id)
                OR (n.analytics_type = 'EvaraFlow') <> EXISTS (SELECT 1 FROM nodes.device_config_flow c WHERE c.node_id = n.id)
                OR (n.analytics_type = 'EvaraDeep') <> EXISTS (SELECT 1 FROM nodes.device_config_deep c WHERE c.node_id = n.id)
                """), Is.Zero, "without exactly their own type's config row");
            Assert.That(await NodesWhereAsync("""
                NOT EXISTS (SELECT 1 FROM nodes.thingspeak_channels c WHERE c.node_id = n.id
                    AND c.read_key_sealed IS NOT NULL AND octet_length(c.write_key_hash) = 32)
                """), Is.Zero, "without a channel with a sealed read key and a hashed write key");
            Assert.That(await _database.ScalarAsync<long>("SELECT count(DISTINCT write_key_hash) FROM nodes.thingspeak_channels"),
                Is.EqualTo(DemoNodes.Nodes.Length), "a write key of its own per node");
            Assert.That(await NodesWhereAsync("NOT EXISTS (SELECT 1 FROM nodes.thingspeak_field_mappings m WHERE m.node_id = n.id)"),
                Is.Zero, "without a field mapping");
            Assert.That(await NodesWhereAsync("NOT EXISTS (SELECT 1 FROM nodes.device_firmware f WHERE f.node_id = n.id)"),
                Is.Zero, "without firmware");
            Assert.That(await NodesWhereAsync("NOT EXISTS (SELECT 1 FROM nodes.device_tag_assignments a WHERE a.node_id = n.id)"),
                Is.Zero, "without a tag");
            Assert.That(await NodesWhereAsync("n.analytics_type = 'EvaraTank' AND n.capacity_litres IS NULL"), Is.Zero, "tanks without capacity");
            Assert.That(await NodesWhereAsync("n.lat IS NULL OR n.location_name IS NULL"), Is.Zero, "without a location");
            Assert.That(await _database.ScalarAsync<long>("SELECT count(DISTINCT firmware_version) FROM nodes.device_firmware"),
                Is.GreaterThanOrEqualTo(3), "firmware versions");
            Assert.That(await _database.ScalarAsync<long>(
                "SELECT count(*) FROM nodes.device_tags WHERE (tag_name, tag_value) IN (('zone', 'north'), ('criticality', 'high'))"), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Every_mapping_targets_a_canonical_field_of_its_nodes_type_with_the_catalogues_type_and_unit()
    {
        var mappings = new List<(string Node, string Type, string Field, string Canonical, string DataType, string? Unit, double Scale, double Offset)>();
        await using (var connection = new NpgsqlConnection(_database.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT n.node_key, n.analytics_type, m.thingspeak_field_name, m.canonical_field_name, m.data_type, m.unit, m.scale_factor, m.value_offset
                FROM nodes.thingspeak_field_mappings m JOIN nodes.nodes n ON n.id = m.node_id
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                mappings.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetDouble(6), reader.GetDouble(7)));
            }
        }

        Assert.That(mappings, Has.Count.EqualTo(DemoNodes.Nodes.Sum(n => n.Mappings.Count)));
        Assert.Multiple(() =>
        {
            foreach (var m in mappings)
            {
                var canonical = CanonicalFields.Find(Enum.Parse<AnalyticsType>(m.Type), m.Canonical);
                Assert.That(canonical, Is.Not.Null, $"{m.Node} {m.Field} → {m.Canonical} is not a {m.Type} field");
                Assert.That(m.DataType, Is.EqualTo(canonical?.DataType.ToString().ToLowerInvariant()), $"{m.Node} {m.Field} data type");
                Assert.That(m.Unit ?? "", Is.EqualTo(canonical?.Unit), $"{m.Node} {m.Field} unit");
                Assert.That((m.Scale, m.Offset), Is.EqualTo((1.0, 0.0)), $"{m.Node} {m.Field} scale and offset");
            }
        });
    }

    [Test]
    public async Task Nodes_are_owned_at_every_level_in_every_demo_distributors_subtree()
    {
        await Assert.MultipleAsync(async () =>
        {
            foreach (var distributor in DemoTenants.Distributors)
            {
                Assert.That(await _database.ScalarAsync<long>(
                    "SELECT count(DISTINCT tenant_type) FROM nodes.nodes WHERE owner_distributor_id = @d", ("d", distributor.Id)),
                    Is.EqualTo(3), $"owner levels under {distributor.Name}");
            }

            // Positions resolve against the tenants in id order: the first distributor's first community, the second
            // distributor's fourth customer.
            Assert.That(await _database.ScalarAsync<Guid>("SELECT community_id FROM nodes.nodes WHERE node_key = 'demo-tank-03'"),
                Is.EqualTo(DemoTenants.Communities[0].Id));
            Assert.That(await _database.ScalarAsync<Guid>("SELECT customer_id FROM nodes.nodes WHERE node_key = 'demo-deep-06'"),
                Is.EqualTo(DemoTenants.Customers[7].Id));
            Assert.That(await _database.ScalarAsync<Guid>("SELECT distributor_id FROM nodes.nodes WHERE node_key = 'demo-tank-07'"),
                Is.EqualTo(DemoTenants.Distributors[1].Id));
        });
    }

    [Test]
    public async Task Seeding_again_changes_nothing()
    {
        var before = await FingerprintAsync();

        await using (var again = ApiFactory.For(_database, DemoPlatform.Settings))
        {
            _ = again.Server;
        }

        Assert.That(await FingerprintAsync(), Is.EqualTo(before));
    }

    private Task<long> NodesWhereAsync(string predicate) =>
        _database.ScalarAsync<long>($"SELECT count(*) FROM nodes.nodes n WHERE {predicate}");

    /// <summary>Each seeded table's row count and a digest of its rows, timestamps included.</summary>
    private async Task<Dictionary<string, string>> FingerprintAsync()
    {
        var fingerprint = new Dictionary<string, string>();
        foreach (var table in NodeTables)
        {
            fingerprint[table] = (await _database.ScalarAsync<string>(
                $"SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM nodes.{table} t"))!;
        }

        return fingerprint;
    }
}
