using System.Globalization;
using Dapper;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.FaultTests;

/// <summary>
/// What the run watches, seeded as the owner once the platform has migrated: polled nodes on the simulator's
/// channels; tanks that push (write keys only), each with a rule that fires above <see cref="Threshold"/> cm (no
/// duration, no cooldown: every breaching reading is one alert, the next reading below it resolves it); a
/// distributor user told of every alert by webhook.
/// </summary>
public sealed record FaultWorld(IReadOnlyList<PushNode> PushNodes, IReadOnlyList<long> PolledChannels)
{
    public const double Threshold = 250;
    public const string WebhookSecret = "fault-run-webhook-secret";
    private const long FirstPushChannel = 4_000_000;

    public static async Task<FaultWorld> SeedAsync(string adminConnectionString, FaultRunSettings settings, Uri webhook)
    {
        var keys = new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret);
        await SimulatedNodes.ArrangeAsync(adminConnectionString, settings.PolledNodes, keys.SealReadKey);
        var pushNodes = Enumerable.Range(0, settings.PushNodes)
            .Select(i => new PushNode(Guid.NewGuid(), FirstPushChannel + i, string.Create(CultureInfo.InvariantCulture, $"FAULTPUSHKEY{i:D4}")))
            .ToList();

        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var user = Guid.NewGuid();
        await connection.ExecuteAsync("""
            INSERT INTO tenancy.users_profiles (id, email, display_name, role, distributor_id)
            VALUES (@user, 'faults@example.com', 'Fault run', 'distributor', @Distributor);
            INSERT INTO alerts.alert_notification_rules (id, user_id, severity_min, notification_channels)
            VALUES (gen_random_uuid(), @user, 'warning', jsonb_build_array(jsonb_build_object('type', 'webhook', 'url', @webhook::text, 'secret', @secret::text)));
            """, new { user, SimulatedNodes.Distributor, webhook = webhook.ToString(), secret = WebhookSecret }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, owner_distributor_id)
            SELECT id, 'PUSH-' || channel, 'Pushing tank ' || channel, 'OHT', 'EvaraTank', 'distributor', @Distributor, @Distributor
            FROM unnest(@ids::uuid[], @channels::bigint[]) AS p(id, channel);
            INSERT INTO nodes.node_operational_state (node_id) SELECT unnest(@ids::uuid[]);
            INSERT INTO nodes.thingspeak_channels (node_id, channel_id, source, write_key_hash, write_key_hint)
            SELECT id, channel, 'pushed', hash, right(channel::text, 4) FROM unnest(@ids::uuid[], @channels::bigint[], @hashes::bytea[]) AS p(id, channel, hash);
            INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type)
            SELECT gen_random_uuid(), unnest(@ids::uuid[]), 'field1', 'water_level_cm', 'float';
            INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, node_id, metric, operator, threshold, severity, cooldown_minutes)
            SELECT gen_random_uuid(), @Distributor, 'High level ' || channel, id, 'water_level_cm', '>', @Threshold, 'warning', 0
            FROM unnest(@ids::uuid[], @channels::bigint[]) AS p(id, channel);
            """, new
        {
            SimulatedNodes.Distributor,
            ids = pushNodes.Select(n => n.Id).ToArray(),
            channels = pushNodes.Select(n => n.Channel).ToArray(),
            hashes = pushNodes.Select(n => keys.HashWriteKey(n.WriteKey)).ToArray(),
            Threshold,
        }, transaction);
        await transaction.CommitAsync();
        return new FaultWorld(pushNodes, [.. Enumerable.Range(0, settings.PolledNodes).Select(SimulatedNodes.ChannelOf)]);
    }
}

public sealed record PushNode(Guid Id, long Channel, string WriteKey);
