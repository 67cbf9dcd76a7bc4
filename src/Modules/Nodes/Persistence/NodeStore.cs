using Dapper;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>
/// Loads and writes the Node aggregate, always under the caller's scope. Identity and ownership changes are
/// compare-and-set on the node's version; everything that describes a node bumps that version too, so the node's
/// ETag changes whenever its representation does.
/// </summary>
public sealed class NodeStore(DbSession db, NodeCache cache, ChannelKeyProtection keys)
{
    public const string Resource = "Node";

    /// <summary>Constraint names the API turns into 409s naming the field at fault.</summary>
    private static readonly IReadOnlyDictionary<string, (string Message, string? Field)> Conflicts = new Dictionary<string, (string, string?)>
    {
        ["uq_nodes_node_key"] = ("Another node already has this nodeKey.", "nodeKey"),
        ["nodes_pkey"] = ("A node with this id already exists.", "id"),
        ["uq_thingspeak_channels_channel"] = ("Another node already reports through this ThingSpeak channel.", "channelId"),
        ["excl_device_calibration_overlap"] = ("The field already has a calibration valid in this period; close it first.", "validFrom"),
        ["fk_nodes_distributor"] = ("The owning tenant no longer exists.", "distributorId"),
        ["fk_nodes_community"] = ("The owning tenant no longer exists.", "communityId"),
        ["fk_nodes_customer"] = ("The owning tenant no longer exists.", "customerId"),
    };

    private const string Load = $$"""
        SELECT n.id, n.version, n.node_key AS NodeKey, n.label, n.category, n.analytics_type AS AnalyticsType,
               n.tenant_type AS TenantType, coalesce(n.distributor_id, n.community_id, n.customer_id) AS TenantId,
               n.lat, n.lng, n.location_name AS LocationName, n.capacity_litres AS CapacityLitres,
               {{DeviceConfigRow.Columns}}
        FROM nodes.nodes n
        {{DeviceConfigRow.Joins}}
        WHERE n.id = @Id AND {scope}
        """;

    private const string Insert = """
        INSERT INTO nodes.nodes AS n (id, node_key, label, category, analytics_type, tenant_type, distributor_id, community_id,
                                      customer_id, owner_distributor_id, owner_community_id, lat, lng, location_name, capacity_litres)
        VALUES (@Id, @NodeKey, @Label, @Category, @AnalyticsType, @TenantType, @DistributorId, @CommunityId,
                @CustomerId, @OwnerDistributorId, @OwnerCommunityId, @Lat, @Lng, @LocationName, @CapacityLitres);
        INSERT INTO nodes.node_operational_state (node_id) VALUES (@Id);
        """;

    private const string UpdateDescription = """
        UPDATE nodes.nodes n
        SET label = @Label, category = @Category, lat = @Lat, lng = @Lng, location_name = @LocationName,
            capacity_litres = @CapacityLitres, version = n.version + 1, updated_at = now()
        WHERE n.id = @Id AND n.version = @ExpectedVersion AND {scope}
        RETURNING n.version
        """;

    private const string UpdateOwner = """
        UPDATE nodes.nodes n
        SET tenant_type = @TenantType, distributor_id = @DistributorId, community_id = @CommunityId, customer_id = @CustomerId,
            owner_distributor_id = @OwnerDistributorId, owner_community_id = @OwnerCommunityId,
            version = n.version + 1, updated_at = now()
        WHERE n.id = @Id AND n.version = @ExpectedVersion AND {scope}
        RETURNING n.version
        """;

    /// <summary>Bumps the version for a change to what describes the node; with an expected version, only while it holds.</summary>
    private const string Touch = """
        UPDATE nodes.nodes n SET version = n.version + 1, updated_at = now()
        WHERE n.id = @Id AND (@ExpectedVersion::bigint IS NULL OR n.version = @ExpectedVersion) AND {scope}
        RETURNING n.version
        """;

    private const string Delete = """
        DELETE FROM nodes.nodes n WHERE n.id = @Id AND n.version = @ExpectedVersion AND {scope} RETURNING n.version
        """;

    private const string Exists = "SELECT EXISTS (SELECT 1 FROM nodes.nodes n WHERE n.id = @Id AND {scope})";

    private const string UpsertTankConfig = """
        INSERT INTO nodes.device_config_tank (node_id, max_depth_cm, sensor_offset_cm, low_level_percent, high_level_percent)
        VALUES (@Id, @MaxDepthCm, @SensorOffsetCm, @LowLevelPercent, @HighLevelPercent)
        ON CONFLICT (node_id) DO UPDATE SET max_depth_cm = EXCLUDED.max_depth_cm, sensor_offset_cm = EXCLUDED.sensor_offset_cm,
            low_level_percent = EXCLUDED.low_level_percent, high_level_percent = EXCLUDED.high_level_percent
        """;

    private const string UpsertFlowConfig = """
        INSERT INTO nodes.device_config_flow (node_id, pipe_diameter_mm, pulses_per_litre, max_flow_rate_lpm)
        VALUES (@Id, @PipeDiameterMm, @PulsesPerLitre, @MaxFlowRateLpm)
        ON CONFLICT (node_id) DO UPDATE SET pipe_diameter_mm = EXCLUDED.pipe_diameter_mm,
            pulses_per_litre = EXCLUDED.pulses_per_litre, max_flow_rate_lpm = EXCLUDED.max_flow_rate_lpm
        """;

    private const string UpsertDeepConfig = """
        INSERT INTO nodes.device_config_deep (node_id, well_depth_m, pump_rating_kw, pump_depth_m)
        VALUES (@Id, @WellDepthM, @PumpRatingKw, @PumpDepthM)
        ON CONFLICT (node_id) DO UPDATE SET well_depth_m = EXCLUDED.well_depth_m,
            pump_rating_kw = EXCLUDED.pump_rating_kw, pump_depth_m = EXCLUDED.pump_depth_m
        """;

    /// <summary>A read key left out keeps the stored one: clients only ever see keys masked, so they can't send them back.</summary>
    private const string ReplaceChannel = """
        INSERT INTO nodes.thingspeak_channels AS c (node_id, channel_id, read_key_sealed, read_key_hint, reporting_interval_seconds, source)
        VALUES (@Id, @ChannelId, @ReadKeySealed, @ReadKeyHint, @ReportingIntervalSeconds, coalesce(@Source, 'both'))
        ON CONFLICT (node_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, reporting_interval_seconds = EXCLUDED.reporting_interval_seconds,
            source = coalesce(@Source, c.source),
            read_key_sealed = coalesce(EXCLUDED.read_key_sealed, c.read_key_sealed), read_key_hint = coalesce(EXCLUDED.read_key_hint, c.read_key_hint),
            updated_at = now();
        DELETE FROM nodes.thingspeak_field_mappings WHERE node_id = @Id;
        INSERT INTO nodes.thingspeak_field_mappings
            (id, node_id, thingspeak_field_name, canonical_field_name, data_type, unit, scale_factor, value_offset)
        SELECT m.id, @Id, m.field, m.canonical, m.data_type, m.unit, m.scale, m.value_offset
        FROM unnest(@MappingIds::uuid[], @Fields::text[], @Canonicals::text[], @DataTypes::text[], @Units::text[],
                    @Scales::float8[], @Offsets::float8[]) AS m(id, field, canonical, data_type, unit, scale, value_offset);
        """;

    private const string ReplaceWriteKey = """
        UPDATE nodes.thingspeak_channels SET write_key_hash = @Hash, write_key_hint = @Hint, updated_at = now() WHERE node_id = @Id
        """;

    private const string ReplaceMqttCredentials = """
        INSERT INTO nodes.mqtt_credentials (node_id, client_id, username, password_hash, password_hint)
        VALUES (@Id, @ClientId, @Username, @Hash, @Hint)
        ON CONFLICT (node_id) DO UPDATE SET client_id = EXCLUDED.client_id, username = EXCLUDED.username,
            password_hash = EXCLUDED.password_hash, password_hint = EXCLUDED.password_hint, issued_at = now()
        """;

    private const string CalibrationPeriods = """
        SELECT id, field_name AS FieldName, valid_from AS ValidFrom, valid_until AS ValidUntil
        FROM nodes.device_calibration WHERE node_id = @Id
        """;

    private const string InsertCalibration = """
        INSERT INTO nodes.device_calibration (id, node_id, field_name, calibration_type, parameters, valid_from, valid_until, created_by)
        VALUES (@CalibrationId, @Id, @FieldName, @Kind, @Parameters::jsonb, @ValidFrom, @ValidUntil, @CreatedBy)
        """;

    private const string CloseCalibration = """
        UPDATE nodes.device_calibration SET valid_until = @ValidUntil
        WHERE id = @CalibrationId AND node_id = @Id AND valid_until IS NULL
        """;

    private const string UpsertFirmware = """
        INSERT INTO nodes.device_firmware (node_id, firmware_version, hardware_revision, bootloader_version, last_update, update_status)
        VALUES (@Id, @FirmwareVersion, @HardwareRevision, @BootloaderVersion, @LastUpdate, @UpdateStatus)
        ON CONFLICT (node_id) DO UPDATE SET firmware_version = EXCLUDED.firmware_version,
            hardware_revision = EXCLUDED.hardware_revision, bootloader_version = EXCLUDED.bootloader_version,
            last_update = EXCLUDED.last_update, update_status = EXCLUDED.update_status
        """;

    private const string AssignTag = """
        WITH tag AS (
            INSERT INTO nodes.device_tags (id, tag_name, tag_value) VALUES (@TagId, @Name, @Value)
            ON CONFLICT (tag_name, tag_value) DO UPDATE SET tag_name = EXCLUDED.tag_name
            RETURNING id)
        INSERT INTO nodes.device_tag_assignments (node_id, tag_id, assigned_by)
        SELECT @Id, tag.id, @AssignedBy FROM tag
        ON CONFLICT (node_id, tag_id) DO NOTHING
        """;

    private const string UnassignTag = """
        DELETE FROM nodes.device_tag_assignments a USING nodes.device_tags t
        WHERE a.tag_id = t.id AND a.node_id = @Id AND t.tag_name = @Name AND t.tag_value = @Value
        """;

    /// <returns>the node as stored, or null when it does not exist for this caller</returns>
    /// <param name="expectedVersion">the version the client's <c>If-Match</c> named: another one is a 409 before any work</param>
    /// <returns>the node as stored; one that does not exist for this caller is a 404</returns>
    public async Task<Node> GetAsync(Guid id, TenantScope scope, CancellationToken ct, long? expectedVersion = null)
    {
        var connection = await db.ConnectionAsync(ct);
        var node = (await connection.QuerySingleOrDefaultAsync<NodeRow>(ScopeFilter.Command(db, Load, scope, NodeOwnership.Columns, new { Id = id }, ct)))?.ToNode()
            ?? throw AppException.NotFound(Resource);
        return expectedVersion is null || node.Version == expectedVersion ? node : throw AppException.ConcurrencyConflict(Resource);
    }

    public async Task InsertAsync(Node node, TenantPath owner, CancellationToken ct)
    {
        await ExecuteAsync(node.Id, Insert, new
        {
            node.Id, node.NodeKey, node.Label, Category = node.Category.ToString(), AnalyticsType = node.AnalyticsType.ToString(),
            node.LocationName, node.CapacityLitres, node.Location?.Lat, node.Location?.Lng,
        }, OwnerParameters(owner), ct);
        await WriteConfigAsync(node, ct);
    }

    /// <summary>Writes label, category, place and configuration while the node still has the version it was loaded at.</summary>
    public async Task UpdateAsync(Node node, TenantScope scope, CancellationToken ct)
    {
        var parameters = ScopeFilter.Parameters(scope, new
        {
            node.Id, ExpectedVersion = node.Version, node.Label, Category = node.Category.ToString(),
            node.Location?.Lat, node.Location?.Lng, node.LocationName, node.CapacityLitres,
        });
        node.MarkPersisted(await CompareAndSetAsync(UpdateDescription, parameters, node.Id, scope, ct));
        await WriteConfigAsync(node, ct);
    }

    public async Task MoveAsync(Node node, TenantPath owner, TenantScope scope, CancellationToken ct)
    {
        var parameters = ScopeFilter.Parameters(scope, new { node.Id, ExpectedVersion = node.Version });
        parameters.AddDynamicParams(OwnerParameters(owner));
        node.MarkPersisted(await CompareAndSetAsync(UpdateOwner, parameters, node.Id, scope, ct));
    }

    public async Task DeleteAsync(Guid id, long expectedVersion, TenantScope scope, CancellationToken ct) =>
        await CompareAndSetAsync(Delete, ScopeFilter.Parameters(scope, new { Id = id, ExpectedVersion = expectedVersion }), id, scope, ct);

    /// <param name="expectedVersion">the version the client's <c>If-Match</c> named, or null for additive changes</param>
    public async Task TouchAsync(Guid id, long? expectedVersion, TenantScope scope, CancellationToken ct) =>
        await CompareAndSetAsync(Touch, ScopeFilter.Parameters(scope, new { Id = id, ExpectedVersion = expectedVersion }), id, scope, ct);

    /// <summary>Gives the node's channel a new write key (the old one stops working) and answers it: the only time it is shown.</summary>
    public async Task<string> IssueWriteKeyAsync(Guid id, CancellationToken ct)
    {
        var key = ChannelKeyProtection.NewWriteKey();
        if (await ExecuteAsync(id, ReplaceWriteKey, new { Id = id, Hash = keys.HashWriteKey(key), Hint = ChannelKeyProtection.Hint(key) }, null, ct) == 0)
        {
            throw new AppException(ErrorKind.Conflict, "CHANNEL_NOT_CONFIGURED", "The node has no channel yet: configure it first.", "channelId");
        }

        return key;
    }

    /// <summary>New MQTT credentials for the node, replacing any before: random client id and user name, a random password kept only as its keyed hash.</summary>
    public async Task<(string ClientId, string Username, string Password)> IssueMqttCredentialsAsync(Guid id, CancellationToken ct)
    {
        var (clientId, username, password) = (ChannelKeyProtection.NewCredential(23), ChannelKeyProtection.NewCredential(23), ChannelKeyProtection.NewCredential(24));
        await ExecuteAsync(id, ReplaceMqttCredentials,
            new { Id = id, ClientId = clientId, Username = username, Hash = keys.HashWriteKey(password), Hint = ChannelKeyProtection.Hint(password) }, null, ct);
        return (clientId, username, password);
    }

    public async Task ReplaceChannelAsync(Guid id, ThingSpeakChannel channel, CancellationToken ct)
    {
        var mappings = channel.Mappings;
        await ExecuteAsync(id, ReplaceChannel, new
        {
            Id = id, channel.ChannelId, channel.ReportingIntervalSeconds, channel.Source,
            ReadKeySealed = channel.ReadKey is null ? null : keys.SealReadKey(channel.ReadKey),
            ReadKeyHint = channel.ReadKey is null ? null : ChannelKeyProtection.Hint(channel.ReadKey),
            MappingIds = mappings.Select(_ => Guid.CreateVersion7()).ToArray(),
            Fields = mappings.Select(m => m.Field).ToArray(),
            Canonicals = mappings.Select(m => m.Target.Name).ToArray(),
            DataTypes = mappings.Select(m => m.Target.DataType.ToString().ToLowerInvariant()).ToArray(),
            Units = mappings.Select(m => m.Unit).ToArray(),
            Scales = mappings.Select(m => m.ScaleFactor).ToArray(),
            Offsets = mappings.Select(m => m.Offset).ToArray(),
        }, null, ct);
    }

    public async Task<IReadOnlyList<CalibrationPeriod>> CalibrationPeriodsAsync(Guid id, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var rows = await connection.QueryAsync<PeriodRow>(new CommandDefinition(CalibrationPeriods, new { Id = id }, db.Transaction, cancellationToken: ct));
        return [.. rows.Select(r => new CalibrationPeriod(r.Id, r.FieldName, Utc(r.ValidFrom), r.ValidUntil is { } u ? Utc(u) : null))];
    }

    public async Task AddCalibrationAsync(Guid id, Calibration calibration, Guid? createdBy, CancellationToken ct) =>
        await ExecuteAsync(id, InsertCalibration, new
        {
            Id = id, CalibrationId = calibration.Id, calibration.FieldName, calibration.Kind,
            Parameters = calibration.Parameters.ToJsonString(),
            ValidFrom = calibration.ValidFrom.ToUniversalTime(), ValidUntil = calibration.ValidUntil?.ToUniversalTime(), CreatedBy = createdBy,
        }, null, ct);

    /// <returns>false when the calibration was closed meanwhile</returns>
    public async Task<bool> CloseCalibrationAsync(Guid id, Guid calibrationId, DateTimeOffset validUntil, CancellationToken ct) =>
        await ExecuteAsync(id, CloseCalibration, new { Id = id, CalibrationId = calibrationId, ValidUntil = validUntil.ToUniversalTime() }, null, ct) == 1;

    public async Task RecordFirmwareAsync(Guid id, FirmwareRecord firmware, CancellationToken ct) =>
        await ExecuteAsync(id, UpsertFirmware, new
        {
            Id = id, firmware.FirmwareVersion, firmware.HardwareRevision, firmware.BootloaderVersion,
            LastUpdate = firmware.LastUpdate?.ToUniversalTime(), firmware.UpdateStatus,
        }, null, ct);

    /// <returns>whether the assignment changed anything</returns>
    public async Task<bool> TagAsync(Guid id, string name, string value, Guid? assignedBy, CancellationToken ct) =>
        await ExecuteAsync(id, AssignTag, new { Id = id, TagId = Guid.CreateVersion7(), Name = name, Value = value, AssignedBy = assignedBy }, null, ct) == 1;

    public async Task<bool> UntagAsync(Guid id, string name, string value, CancellationToken ct) =>
        await ExecuteAsync(id, UnassignTag, new { Id = id, Name = name, Value = value }, null, ct) == 1;

    private async Task WriteConfigAsync(Node node, CancellationToken ct)
    {
        var (sql, values) = node.Config switch
        {
            TankConfig t => (UpsertTankConfig, (object)new { node.Id, t.MaxDepthCm, t.SensorOffsetCm, t.LowLevelPercent, t.HighLevelPercent }),
            FlowConfig f => (UpsertFlowConfig, new { node.Id, f.PipeDiameterMm, f.PulsesPerLitre, f.MaxFlowRateLpm }),
            DeepConfig d => (UpsertDeepConfig, new { node.Id, d.WellDepthM, d.PumpRatingKw, d.PumpDepthM }),
            _ => throw new InvalidOperationException($"No table for {node.Config.GetType().Name}."),
        };
        await ExecuteAsync(node.Id, sql, values, null, ct);
    }

    /// <summary>Runs a versioned statement; no row means the node is gone for this caller (404) or was changed (409).</summary>
    private async Task<long> CompareAndSetAsync(string sql, DynamicParameters parameters, Guid id, TenantScope scope, CancellationToken ct)
    {
        cache.Changed([id]);
        var connection = await db.ConnectionAsync(ct);
        var version = await VersionedWrites.TranslatingConflictsAsync(() => connection.QuerySingleOrDefaultAsync<long?>(
            new CommandDefinition(ScopeFilter.Apply(sql, scope, NodeOwnership.Columns), parameters, db.Transaction, cancellationToken: ct)), Conflicts);
        return await VersionedWrites.EnsureAppliedAsync(version, () =>
            connection.ExecuteScalarAsync<bool>(ScopeFilter.Command(db, Exists, scope, NodeOwnership.Columns, new { Id = id }, ct)), Resource);
    }

    private async Task<int> ExecuteAsync(Guid id, string sql, object values, DynamicParameters? extra, CancellationToken ct)
    {
        cache.Changed([id]);
        var parameters = new DynamicParameters(values);
        parameters.AddDynamicParams(extra);
        var connection = await db.ConnectionAsync(ct);
        return await VersionedWrites.TranslatingConflictsAsync(() =>
            connection.ExecuteAsync(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct)), Conflicts);
    }

    private static DynamicParameters OwnerParameters(TenantPath owner)
    {
        var parameters = new DynamicParameters();
        parameters.Add("TenantType", owner.Type.Stored());
        parameters.Add("DistributorId", owner.Type == TenantType.Distributor ? owner.TenantId : null);
        parameters.Add("CommunityId", owner.Type == TenantType.Community ? owner.TenantId : null);
        parameters.Add("CustomerId", owner.Type == TenantType.Customer ? owner.TenantId : null);
        parameters.Add("OwnerDistributorId", owner.DistributorId);
        parameters.Add("OwnerCommunityId", owner.CommunityId);
        return parameters;
    }

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private sealed record PeriodRow(Guid Id, string FieldName, DateTime ValidFrom, DateTime? ValidUntil);

    /// <summary>A node's own columns on top of its configuration's.</summary>
    private sealed class NodeRow : DeviceConfigRow
    {
        public Guid Id { get; init; }
        public long Version { get; init; }
        public string NodeKey { get; init; } = "";
        public string Label { get; init; } = "";
        public string Category { get; init; } = "";
        public string AnalyticsType { get; init; } = "";
        public string TenantType { get; init; } = "";
        public Guid TenantId { get; init; }
        public double? Lat { get; init; }
        public double? Lng { get; init; }
        public string? LocationName { get; init; }
        public double? CapacityLitres { get; init; }

        public Node ToNode()
        {
            var type = Enum.Parse<AnalyticsType>(AnalyticsType);
            return Node.Load(Id, Version, NodeKey, Label, Enum.Parse<NodeCategory>(Category), type,
                new TenantOwner(Enum.Parse<TenantType>(TenantType, ignoreCase: true), TenantId),
                Lat is { } lat && Lng is { } lng ? new GeoPoint(lat, lng) : null, LocationName, CapacityLitres, ToConfig(type));
        }
    }
}

/// <summary>What a device or an operator reports about a node's firmware.</summary>
public sealed record FirmwareRecord(string FirmwareVersion, string? HardwareRevision, string? BootloaderVersion, DateTimeOffset? LastUpdate, string UpdateStatus);
