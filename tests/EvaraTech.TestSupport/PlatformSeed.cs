using Dapper;
using EvaraTech.Demo;
using Npgsql;

namespace EvaraTech.TestSupport;

/// <summary>What <see cref="PlatformSeed.LoadAsync"/> wrote.</summary>
public sealed record PlatformSeedReport(int Rules, long Alerts, long OpenAlerts, int Channels, int Users);

/// <summary>
/// The rest of the production-equivalent data set, on top of a loaded <see cref="TelemetrySeed"/>: alert rules
/// per distributor and their history (<see cref="AlertsPerNode"/> alerts per node over the telemetry's span, 50,000 for
/// 1,000 nodes; the newest alert of every tenth node still open, a third of those acknowledged) beside live rules that
/// every polled reading is evaluated against, a ThingSpeak channel for
/// every node on the simulator's synthetic range (of the node's own type, with its ingestion cursor at the node's last
/// reading, so polling resumes where the data set ends instead of back-filling), and the load test's users with a local
/// password (<see cref="LoadUsers"/>). Deterministic, set-based, as the owner.
/// </summary>
public static class PlatformSeed
{
    public const int AlertsPerNode = 50;
    public const string LoadUserPassword = "Evara-Load-2026!";

    /// <summary>Load users per tenant: 10 superadmins, 15 per distributor, 5 per customer (100 over the seed's tenants).</summary>
    public const int Superadmins = 10;
    public const int UsersPerDistributor = 15;
    public const int UsersPerCustomer = 5;

    // The simulator cycles tank, flow, deep over its synthetic channels (ChannelCatalog): node k of type t gets
    // channel first + 3k + t, so every node reads a signal of its own kind.
    private const string Channels = """
        CREATE TEMP TABLE seed_kinds (analytics_type text, kind int) ON COMMIT DROP;
        INSERT INTO seed_kinds SELECT * FROM unnest(@Types::text[], @Kinds::int[]);

        INSERT INTO nodes.thingspeak_channels (node_id, channel_id)
        SELECT c.id, c.channel_id
        FROM (
            SELECT n.id, @FirstChannel + 3 * (row_number() OVER (PARTITION BY k.kind ORDER BY n.node_key) - 1) + k.kind AS channel_id
            FROM nodes.nodes n JOIN seed_kinds k USING (analytics_type)
        ) c;

        INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type)
        SELECT md5(n.id::text || f.field)::uuid, n.id, f.field, f.metric, f.data_type
        FROM nodes.nodes n
        JOIN seed_kinds k USING (analytics_type)
        JOIN unnest(@FieldKinds::int[], @Fields::text[], @Metrics::text[], @DataTypes::text[]) AS f(kind, field, metric, data_type)
          ON f.kind = k.kind;

        -- The simulator numbers entries by grid interval since its epoch.
        INSERT INTO telemetry.ingestion_cursors (node_id, last_entry_id, read_until)
        SELECT node_id, floor(extract(epoch FROM "timestamp" - @Epoch) / @IntervalSeconds)::bigint + 1, "timestamp"
        FROM telemetry.latest_readings;
        """;

    // Two rules per device type and distributor: the one the history was raised by, since switched off (so its open
    // alerts stay open: a live rule would resolve them at the first reading that does not breach it), and a live one
    // that the polled readings are evaluated against and never breach.
    private const string Alerts = """
        INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, selector_analytics_type, metric, operator, threshold, severity, is_enabled)
        SELECT md5(d.id::text || r.name)::uuid, d.id, r.name, r.analytics_type, r.metric, r.operator, r.threshold, r.severity, r.live
        FROM tenancy.distributors d
        CROSS JOIN (VALUES
            ('EvaraTank', 'Tank nearly empty', 'water_level_percent', '<', 2.0, 'warning', false),
            ('EvaraFlow', 'Pressure surge', 'pressure_bar', '>', 50.0, 'warning', false),
            ('EvaraDeep', 'Pump over current', 'pump_current_a', '>', 500.0, 'info', false),
            ('EvaraTank', 'Tank overflowing', 'water_level_percent', '>', 1000.0, 'critical', true),
            ('EvaraFlow', 'Pipe burst', 'flow_rate_lpm', '>', 1000000.0, 'critical', true),
            ('EvaraDeep', 'Pump stalled', 'pump_current_a', '>', 100000.0, 'critical', true))
            AS r(analytics_type, name, metric, operator, threshold, severity, live);

        -- Alert k of a node falls about k × span / count ago; only the newest (k = 0) may still be open.
        INSERT INTO alerts.alert_history (id, rule_id, node_id, severity, status, value, message, triggered_at, acknowledged_at,
                                          resolved_at, resolution, rule_name, metric, owner_distributor_id)
        SELECT md5(n.id::text || k)::uuid, r.id, n.id,
               (ARRAY['info', 'warning', 'warning', 'critical'])[1 + (k + h.b0) % 4],
               CASE WHEN o.open AND h.b1 % 3 = 0 THEN 'acknowledged' WHEN o.open THEN 'triggered' ELSE 'resolved' END,
               r.threshold, r.name, a.triggered_at,
               CASE WHEN o.open AND h.b1 % 3 = 0 THEN a.triggered_at + interval '7 minutes' END,
               CASE WHEN NOT o.open THEN a.triggered_at + (10 + (k * 7 + h.b1) % 240) * interval '1 minute' END,
               CASE WHEN NOT o.open THEN (ARRAY['auto', 'auto', 'manual'])[1 + (k + h.b1) % 3] END,
               r.name, r.metric, n.owner_distributor_id
        FROM (SELECT *, row_number() OVER (ORDER BY id) AS number FROM nodes.nodes) n
        JOIN alerts.alert_rules r ON r.owner_distributor_id = n.owner_distributor_id AND r.selector_analytics_type = n.analytics_type
                                 AND NOT r.is_enabled
        CROSS JOIN LATERAL (SELECT get_byte(decode(md5(n.id::text), 'hex'), 0) AS b0, get_byte(decode(md5(n.id::text), 'hex'), 1) AS b1) h
        CROSS JOIN generate_series(0, @PerNode - 1) k
        CROSS JOIN LATERAL (SELECT k = 0 AND n.number % 10 = 0 AS open) o
        CROSS JOIN LATERAL (SELECT @Now - (k + 0.5 + (h.b1 % 50) / 100.0) * (@Span / @PerNode) AS triggered_at) a;
        """;

    private const string Users = """
        INSERT INTO tenancy.users_profiles (id, email, display_name, role, distributor_id, customer_id)
        SELECT md5(u.email)::uuid, u.email, u.email, u.role, u.distributor_id, u.customer_id
        FROM (
            SELECT format('load-superadmin-%s@perf.evaratech.local', i) AS email, 'superadmin' AS role, NULL::uuid AS distributor_id,
                   NULL::uuid AS customer_id
            FROM generate_series(1, @Superadmins) i
            UNION ALL
            SELECT format('load-distributor-%s-%s@perf.evaratech.local', d.number, i), 'distributor', d.id, NULL
            FROM (SELECT id, row_number() OVER (ORDER BY id) AS number FROM tenancy.distributors) d
            CROSS JOIN generate_series(1, @PerDistributor) i
            UNION ALL
            SELECT format('load-customer-%s-%s@perf.evaratech.local', c.number, i), 'customer', c.distributor_id, c.id
            FROM (SELECT id, distributor_id, row_number() OVER (ORDER BY id) AS number FROM tenancy.customers) c
            CROSS JOIN generate_series(1, @PerCustomer) i
        ) u;

        INSERT INTO tenancy.local_credentials (user_id, password_hash)
        SELECT id, @PasswordHash FROM tenancy.users_profiles WHERE email LIKE 'load-%@perf.evaratech.local';
        """;

    private const string LoadUserList = """
        SELECT email FROM tenancy.users_profiles WHERE email LIKE 'load-%@perf.evaratech.local'
        ORDER BY role DESC, email
        """;

    private static readonly (string Type, int Kind)[] Kinds = [(DemoTypes.Tank, 0), (DemoTypes.Flow, 1), (DemoTypes.Deep, 2)];

    /// <param name="seed">the telemetry set already loaded into the database (its span and end place the alerts)</param>
    /// <param name="passwordHash">the local issuer's hash of <see cref="LoadUserPassword"/> (one hash serves every user)</param>
    /// <param name="sealReadKey">the platform's sealing of a read key, as the API polling these channels will open it</param>
    public static async Task<PlatformSeedReport> LoadAsync(string ownerConnectionString, TelemetrySeed seed, string passwordHash,
        DateTimeOffset simulatorEpoch, int simulatorIntervalSeconds, long firstSimulatorChannel, Func<string, string> sealReadKey)
    {
        var fields = Kinds.SelectMany(k => DemoCatalogue.MappedFields[k.Type].Select((mapped, f) =>
                (k.Kind, Field: $"field{f + 1}", Metric: mapped.Name, mapped.DataType)))
            .ToList();
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(Channels, new
        {
            Types = Kinds.Select(k => k.Type).ToArray(),
            Kinds = Kinds.Select(k => k.Kind).ToArray(),
            FirstChannel = firstSimulatorChannel,
            FieldKinds = fields.Select(f => f.Kind).ToArray(),
            Fields = fields.Select(f => f.Field).ToArray(),
            Metrics = fields.Select(f => f.Metric).ToArray(),
            DataTypes = fields.Select(f => f.DataType).ToArray(),
            Epoch = simulatorEpoch,
            IntervalSeconds = simulatorIntervalSeconds,
        }, transaction);
        var channels = (await connection.QueryAsync<long>("SELECT channel_id FROM nodes.thingspeak_channels", transaction: transaction)).ToArray();
        await connection.ExecuteAsync(
            """
            UPDATE nodes.thingspeak_channels c SET read_key_sealed = k.sealed, read_key_hint = right(c.channel_id::text, 4)
            FROM unnest(@Channels, @Sealed) AS k(channel_id, sealed) WHERE c.channel_id = k.channel_id
            """,
            new { Channels = channels, Sealed = channels.Select(c => sealReadKey(SimulatedNodes.ReadKeyOf(c))).ToArray() }, transaction, commandTimeout: 0);
        await connection.ExecuteAsync(Alerts, new { PerNode = AlertsPerNode, Now = new DateTimeOffset(seed.Now), seed.Span }, transaction, commandTimeout: 0);
        await connection.ExecuteAsync(Users, new
        {
            Superadmins, PerDistributor = UsersPerDistributor, PerCustomer = UsersPerCustomer, PasswordHash = passwordHash,
        }, transaction);
        await transaction.CommitAsync();
        await connection.ExecuteAsync("VACUUM ANALYZE alerts.alert_history", commandTimeout: 0);

        var counts = await connection.QuerySingleAsync<(int Rules, long Alerts, long Open, int Channels, int Users)>("""
            SELECT (SELECT count(*)::int FROM alerts.alert_rules), (SELECT count(*) FROM alerts.alert_history),
                   (SELECT count(*) FROM alerts.alert_history WHERE resolved_at IS NULL),
                   (SELECT count(*)::int FROM nodes.thingspeak_channels),
                   (SELECT count(*)::int FROM tenancy.users_profiles WHERE email LIKE 'load-%@perf.evaratech.local')
            """);
        return new PlatformSeedReport(counts.Rules, counts.Alerts, counts.Open, counts.Channels, counts.Users);
    }

    /// <summary>The load test's users (emails), superadmins first, then distributors, then customers.</summary>
    public static async Task<IReadOnlyList<string>> LoadUsersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        return [.. await connection.QueryAsync<string>(LoadUserList)];
    }
}
