using Dapper;
using EvaraTech.Demo;
using EvaraTech.Infrastructure.Demo;
using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Nodes.Demo;

/// <summary>
/// Writes the demo nodes (<see cref="DemoNodes"/>, from <see cref="DemoCatalogue"/>) when <c>Demo:Seed</c> is on,
/// idempotently, under the demo tenants the Tenancy module's directory lists. Hosted services start in registration
/// order: this one is registered by the Nodes module, after the Tenancy module's seeder, so the tenants are there.
/// </summary>
public sealed class DemoNodesSeeder(IServiceScopeFactory scopes, IConfiguration configuration, IHostEnvironment environment, ILogger<DemoNodesSeeder> logger)
    : IHostedService
{
    // ON CONFLICT without a target: a demo id, node key, channel or write key that is already taken is left alone.
    private const string SeedNodes = """
        INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, community_id, customer_id,
                                 owner_distributor_id, owner_community_id, lat, lng, location_name, capacity_litres)
            SELECT * FROM unnest(@Ids, @Keys, @Labels, @Categories, @AnalyticsTypes, @TenantTypes, @DistributorIds, @CommunityIds,
                                 @CustomerIds, @OwnerDistributorIds, @OwnerCommunityIds, @Lats, @Lngs, @LocationNames, @Capacities)
            ON CONFLICT DO NOTHING;
        """;

    // Everything that describes a node, only for the demo nodes that exist (a node key a real node already uses skips
    // its demo twin and all of the twin's rows).
    private const string SeedNodeDetails = """
        INSERT INTO nodes.node_operational_state (node_id, status)
            SELECT n.id, 'Provisioning' FROM nodes.nodes n WHERE n.id = ANY(@Ids)
            ON CONFLICT (node_id) DO NOTHING;
        INSERT INTO nodes.device_config_tank (node_id, max_depth_cm, sensor_offset_cm, low_level_percent, high_level_percent)
            SELECT s.* FROM unnest(@TankIds, @TankMaxDepths, @TankOffsets, @TankLows, @TankHighs) AS s(node_id, max_depth, offset_cm, low, high)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT (node_id) DO NOTHING;
        INSERT INTO nodes.device_config_flow (node_id, pipe_diameter_mm, pulses_per_litre, max_flow_rate_lpm)
            SELECT s.* FROM unnest(@FlowIds, @FlowPipeDiameters, @FlowPulses, @FlowMaxRates) AS s(node_id, diameter, pulses, max_rate)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT (node_id) DO NOTHING;
        INSERT INTO nodes.device_config_deep (node_id, well_depth_m, pump_rating_kw, pump_depth_m)
            SELECT s.* FROM unnest(@DeepIds, @DeepWellDepths, @DeepPumpRatings, @DeepPumpDepths) AS s(node_id, well_depth, rating, pump_depth)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT (node_id) DO NOTHING;
        INSERT INTO nodes.thingspeak_channels (node_id, channel_id, read_key_sealed, read_key_hint, write_key_hash, write_key_hint, source)
            SELECT s.* FROM unnest(@Ids, @ChannelIds, @SealedReadKeys, @ReadKeyHints, @WriteKeyHashes, @WriteKeyHints, @Sources)
                AS s(node_id, channel_id, read_key_sealed, read_key_hint, write_key_hash, write_key_hint, source)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT DO NOTHING;
        INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type, unit, scale_factor, value_offset)
            SELECT s.*, 1.0, 0.0
            FROM unnest(@MappingIds, @MappingNodes, @MappingFields, @MappingCanonicals, @MappingDataTypes, @MappingUnits)
                AS s(id, node_id, thingspeak_field_name, canonical_field_name, data_type, unit)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT DO NOTHING;
        INSERT INTO nodes.device_firmware (node_id, firmware_version, hardware_revision, bootloader_version, last_update, update_status)
            SELECT s.node_id, s.version, s.hardware, s.bootloader, @FirmwareUpdatedAt, s.status
            FROM unnest(@Ids, @FirmwareVersions, @HardwareRevisions, @BootloaderVersions, @UpdateStatuses)
                AS s(node_id, version, hardware, bootloader, status)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT (node_id) DO NOTHING;
        INSERT INTO nodes.device_tags (id, tag_name, tag_value)
            SELECT * FROM unnest(@TagIds, @TagNames, @TagValues)
            ON CONFLICT DO NOTHING;
        INSERT INTO nodes.device_tag_assignments (node_id, tag_id)
            SELECT s.node_id, t.id
            FROM unnest(@AssignedNodes, @AssignedTagNames, @AssignedTagValues) AS s(node_id, tag_name, tag_value)
            JOIN nodes.device_tags t ON t.tag_name = s.tag_name AND t.tag_value = s.tag_value
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT (node_id, tag_id) DO NOTHING;
        """;

    /// <summary>
    /// The MQTT demo devices' credentials, with the configured password: a new password replaces the demo's old one,
    /// but never credentials someone issued for the node through the API (another user name).
    /// </summary>
    private const string SeedMqttCredentials = """
        INSERT INTO nodes.mqtt_credentials AS c (node_id, client_id, username, password_hash, password_hint)
            SELECT s.node_id, s.identity, s.identity, s.hash, s.hint
            FROM unnest(@Ids, @Identities, @Hashes, @Hints) AS s(node_id, identity, hash, hint)
            WHERE EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = s.node_id)
            ON CONFLICT (node_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, password_hint = EXCLUDED.password_hint, issued_at = now()
            WHERE c.username = EXCLUDED.username AND c.password_hash <> EXCLUDED.password_hash;
        """;

    /// <summary>The MQTT demo devices' password (letters and digits, 16 to 64), shared with the simulator that plays them.</summary>
    public const string MqttPasswordSetting = "Demo:MqttPassword";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!DemoSeeding.IsWanted(configuration, environment))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        var db = scope.ServiceProvider.GetRequiredService<DbSession>();
        var directory = scope.ServiceProvider.GetRequiredService<ITenantDirectory>();

        await db.BeginAsync(cancellationToken);
        var owners = await ResolveOwnersAsync(directory, cancellationToken);
        if (owners is null)
        {
            await db.RollbackAsync(cancellationToken);
            logger.LogWarning("Demo nodes: no distributor to own them, nothing seeded");
            return;
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        var written = await connection.ExecuteAsync(new CommandDefinition(SeedNodes, NodeRows(owners), db.Transaction, cancellationToken: cancellationToken));
        var keys = scope.ServiceProvider.GetRequiredService<ChannelKeyProtection>();
        await connection.ExecuteAsync(new CommandDefinition(SeedNodeDetails, DetailRows(keys), db.Transaction, cancellationToken: cancellationToken));
        if (MqttPassword() is { } password)
        {
            var devices = DemoNodes.Nodes.Where(n => n.Demo.ReportsOverMqtt).ToArray();
            var (hash, hint) = (keys.HashWriteKey(password), ChannelKeyProtection.Hint(password));
            await connection.ExecuteAsync(new CommandDefinition(SeedMqttCredentials, new
            {
                Ids = devices.Select(n => n.Demo.Id).ToArray(),
                Identities = devices.Select(n => n.Demo.MqttIdentity).ToArray(),
                Hashes = devices.Select(_ => hash).ToArray(),
                Hints = devices.Select(_ => hint).ToArray(),
            }, db.Transaction, cancellationToken: cancellationToken));
        }

        await db.CommitAsync(cancellationToken);

        logger.LogInformation(
            "Demo nodes: {Written} of {Count} written ({Tanks} tanks and sumps, {Flows} flow meters, {Deeps} borewells; the rest were already there)",
            written, DemoNodes.Nodes.Length, CountOf(AnalyticsType.EvaraTank), CountOf(AnalyticsType.EvaraFlow), CountOf(AnalyticsType.EvaraDeep));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The configured password, if usable; without one the MQTT demo devices have no credentials and stay silent.</summary>
    private string? MqttPassword()
    {
        var password = configuration[MqttPasswordSetting];
        if (string.IsNullOrEmpty(password))
        {
            logger.LogInformation("Demo nodes: {Setting} is not set, so the demo's MQTT devices cannot connect", MqttPasswordSetting);
            return null;
        }

        if (password.Length is < 16 or > 64 || !password.All(char.IsAsciiLetterOrDigit))
        {
            logger.LogWarning("Demo nodes: {Setting} must be 16 to 64 letters and digits; the demo's MQTT devices get no credentials", MqttPasswordSetting);
            return null;
        }

        return password;
    }

    /// <summary>
    /// Each demo node's owner: its slot in the distributors (ordered by id), then its slot among that distributor's
    /// communities or customers. A subtree without communities or customers gives the node to the level above.
    /// </summary>
    /// <returns>one owner per <see cref="DemoNodes.Nodes"/> entry, or null when there is no distributor</returns>
    private static async Task<TenantPath[]?> ResolveOwnersAsync(ITenantDirectory directory, CancellationToken ct)
    {
        var distributors = await directory.ListAsync(TenantType.Distributor, TenantScope.Everything, ct);
        if (distributors.Count == 0)
        {
            return null;
        }

        var subtrees = new Dictionary<Guid, (IReadOnlyList<TenantPath> Communities, IReadOnlyList<TenantPath> Customers)>();
        var owners = new TenantPath[DemoNodes.Nodes.Length];
        for (var i = 0; i < owners.Length; i++)
        {
            var owner = DemoNodes.Nodes[i].Demo.Owner;
            var distributor = distributors[owner.DistributorSlot % distributors.Count];
            if (!subtrees.TryGetValue(distributor.TenantId, out var subtree))
            {
                var scope = TenantScope.OfDistributor(distributor.TenantId);
                subtree = (await directory.ListAsync(TenantType.Community, scope, ct), await directory.ListAsync(TenantType.Customer, scope, ct));
                subtrees[distributor.TenantId] = subtree;
            }

            owners[i] = owner.Level switch
            {
                OwnerLevel.Customer when subtree.Customers.Count > 0 => subtree.Customers[owner.Slot % subtree.Customers.Count],
                OwnerLevel.Customer or OwnerLevel.Community when subtree.Communities.Count > 0 =>
                    subtree.Communities[owner.Slot % subtree.Communities.Count],
                _ => distributor,
            };
        }

        return owners;
    }

    private static object NodeRows(TenantPath[] owners)
    {
        var nodes = DemoNodes.Nodes;
        return new
        {
            Ids = nodes.Select(n => n.Demo.Id).ToArray(),
            Keys = nodes.Select(n => n.Demo.Key).ToArray(),
            Labels = nodes.Select(n => n.Demo.Label).ToArray(),
            Categories = nodes.Select(n => n.Category.ToString()).ToArray(),
            AnalyticsTypes = nodes.Select(n => n.AnalyticsType.ToString()).ToArray(),
            TenantTypes = owners.Select(o => o.Type.Stored()).ToArray(),
            DistributorIds = owners.Select(o => o.Type == TenantType.Distributor ? o.TenantId : (Guid?)null).ToArray(),
            CommunityIds = owners.Select(o => o.Type == TenantType.Community ? o.TenantId : (Guid?)null).ToArray(),
            CustomerIds = owners.Select(o => o.Type == TenantType.Customer ? o.TenantId : (Guid?)null).ToArray(),
            OwnerDistributorIds = owners.Select(o => o.DistributorId).ToArray(),
            OwnerCommunityIds = owners.Select(o => o.CommunityId).ToArray(),
            Lats = nodes.Select(n => n.Demo.Lat).ToArray(),
            Lngs = nodes.Select(n => n.Demo.Lng).ToArray(),
            LocationNames = nodes.Select(n => n.Demo.LocationName).ToArray(),
            Capacities = nodes.Select(n => n.Demo.CapacityLitres).ToArray(),
        };
    }

    /// <summary>
    /// The demo's rows. Its read keys are the simulator's (its stand-in for ThingSpeak's); its write keys are random and
    /// never shown, so a public demo accepts no pushes until someone in its tenants issues a key. The nodes that report
    /// over MQTT are never polled.
    /// </summary>
    private static object DetailRows(ChannelKeyProtection keys)
    {
        var nodes = DemoNodes.Nodes;
        var tanks = nodes.Where(n => n.Config is TankConfig).Select(n => (n.Demo.Id, Config: (TankConfig)n.Config)).ToArray();
        var flows = nodes.Where(n => n.Config is FlowConfig).Select(n => (n.Demo.Id, Config: (FlowConfig)n.Config)).ToArray();
        var deeps = nodes.Where(n => n.Config is DeepConfig).Select(n => (n.Demo.Id, Config: (DeepConfig)n.Config)).ToArray();
        var mappings = nodes.SelectMany(n => n.Mappings.Select(m => (NodeId: n.Demo.Id, Mapping: m))).ToArray();
        var assignments = nodes.SelectMany(n => n.Demo.Tags.Select(t => (NodeId: n.Demo.Id, Tag: t))).ToArray();
        var writeKeys = nodes.Select(_ => ChannelKeyProtection.NewWriteKey()).ToArray();
        return new
        {
            Ids = nodes.Select(n => n.Demo.Id).ToArray(),
            TankIds = tanks.Select(t => t.Id).ToArray(),
            TankMaxDepths = tanks.Select(t => t.Config.MaxDepthCm).ToArray(),
            TankOffsets = tanks.Select(t => t.Config.SensorOffsetCm).ToArray(),
            TankLows = tanks.Select(t => t.Config.LowLevelPercent).ToArray(),
            TankHighs = tanks.Select(t => t.Config.HighLevelPercent).ToArray(),
            FlowIds = flows.Select(f => f.Id).ToArray(),
            FlowPipeDiameters = flows.Select(f => f.Config.PipeDiameterMm).ToArray(),
            FlowPulses = flows.Select(f => f.Config.PulsesPerLitre).ToArray(),
            FlowMaxRates = flows.Select(f => f.Config.MaxFlowRateLpm).ToArray(),
            DeepIds = deeps.Select(d => d.Id).ToArray(),
            DeepWellDepths = deeps.Select(d => d.Config.WellDepthM).ToArray(),
            DeepPumpRatings = deeps.Select(d => d.Config.PumpRatingKw).ToArray(),
            DeepPumpDepths = deeps.Select(d => d.Config.PumpDepthM).ToArray(),
            ChannelIds = nodes.Select(n => n.Demo.ChannelId).ToArray(),
            SealedReadKeys = nodes.Select(n => keys.SealReadKey(n.Demo.ReadKey)).ToArray(),
            ReadKeyHints = nodes.Select(n => ChannelKeyProtection.Hint(n.Demo.ReadKey)).ToArray(),
            WriteKeyHashes = writeKeys.Select(keys.HashWriteKey).ToArray(),
            WriteKeyHints = writeKeys.Select(ChannelKeyProtection.Hint).ToArray(),
            Sources = nodes.Select(n => n.Demo.ReportsOverMqtt ? ChannelSources.Pushed : ChannelSources.Both).ToArray(),
            MappingIds = mappings.Select(m => m.Mapping.Id).ToArray(),
            MappingNodes = mappings.Select(m => m.NodeId).ToArray(),
            MappingFields = mappings.Select(m => m.Mapping.ThingSpeakField).ToArray(),
            MappingCanonicals = mappings.Select(m => m.Mapping.Canonical.Name).ToArray(),
            MappingDataTypes = mappings.Select(m => m.Mapping.DataType).ToArray(),
            MappingUnits = mappings.Select(m => m.Mapping.Unit).ToArray(),
            FirmwareVersions = nodes.Select(n => n.Demo.Firmware.Version).ToArray(),
            HardwareRevisions = nodes.Select(n => n.Demo.Firmware.HardwareRevision).ToArray(),
            BootloaderVersions = nodes.Select(n => n.Demo.Firmware.BootloaderVersion).ToArray(),
            UpdateStatuses = nodes.Select(n => n.Demo.Firmware.UpdateStatus).ToArray(),
            DemoCatalogue.FirmwareUpdatedAt,
            TagIds = DemoCatalogue.Tags.Select(t => t.Id).ToArray(),
            TagNames = DemoCatalogue.Tags.Select(t => t.Name).ToArray(),
            TagValues = DemoCatalogue.Tags.Select(t => t.Value).ToArray(),
            AssignedNodes = assignments.Select(a => a.NodeId).ToArray(),
            AssignedTagNames = assignments.Select(a => a.Tag.Name).ToArray(),
            AssignedTagValues = assignments.Select(a => a.Tag.Value).ToArray(),
        };
    }

    private static int CountOf(AnalyticsType type) => DemoNodes.Nodes.Count(n => n.AnalyticsType == type);
}
