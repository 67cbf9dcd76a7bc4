using System.Text.Json.Nodes;
using Dapper;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>The Nodes module's read side: one node with everything about it, the map, firmware counts. Always scoped.</summary>
public sealed class NodeReads(DbSession db)
{
    /// <summary>The summary columns every node read returns, over <c>n</c> (nodes) and <c>s</c> (operational state).</summary>
    internal const string SummaryColumns = """
        n.id, n.node_key AS NodeKey, n.label, n.category, n.analytics_type AS AnalyticsType, n.tenant_type AS TenantType,
        n.distributor_id AS DistributorId, n.community_id AS CommunityId, n.customer_id AS CustomerId,
        n.lat, n.lng, n.location_name AS LocationName, n.capacity_litres AS CapacityLitres,
        s.status, s.last_seen AS LastSeen, n.version, n.created_at AS CreatedAt, n.updated_at AS UpdatedAt,
        n.owner_distributor_id AS OwnerDistributorId
        """;

    private const string Details = $$"""
        SELECT {{SummaryColumns}}
        FROM nodes.nodes n JOIN nodes.node_operational_state s ON s.node_id = n.id
        WHERE n.id = @Id AND {scope};

        SELECT {{DeviceConfigRow.Columns}}
        FROM nodes.nodes n
        {{DeviceConfigRow.Joins}}
        WHERE n.id = @Id;

        SELECT channel_id AS ChannelId, read_key_hint AS ReadKey, write_key_hint AS WriteKey, reporting_interval_seconds AS ReportingIntervalSeconds, source
        FROM nodes.thingspeak_channels WHERE node_id = @Id;

        SELECT thingspeak_field_name AS Field, canonical_field_name AS CanonicalField, data_type AS DataType, unit,
               scale_factor AS ScaleFactor, value_offset AS Offset
        FROM nodes.thingspeak_field_mappings WHERE node_id = @Id
        ORDER BY length(thingspeak_field_name), thingspeak_field_name;

        SELECT id, field_name AS Field, calibration_type AS Type, parameters::text AS Parameters, valid_from AS ValidFrom,
               valid_until AS ValidUntil, created_by AS CreatedBy, created_at AS CreatedAt
        FROM nodes.device_calibration WHERE node_id = @Id
        ORDER BY field_name, valid_from DESC;

        SELECT firmware_version AS FirmwareVersion, hardware_revision AS HardwareRevision, bootloader_version AS BootloaderVersion,
               last_update AS LastUpdate, update_status AS UpdateStatus
        FROM nodes.device_firmware WHERE node_id = @Id;

        SELECT t.tag_name AS Name, t.tag_value AS Value
        FROM nodes.device_tag_assignments a JOIN nodes.device_tags t ON t.id = a.tag_id
        WHERE a.node_id = @Id ORDER BY t.tag_name, t.tag_value;

        SELECT status, last_seen AS LastSeen, last_telemetry_sync AS LastTelemetrySync,
               consecutive_failures AS ConsecutiveFailures, last_error AS LastError, last_error_at AS LastErrorAt, version, updated_at AS UpdatedAt
        FROM nodes.node_operational_state WHERE node_id = @Id;
        """;

    /// <summary>Every node in scope with just what a map pin needs.</summary>
    private const string Map = """
        SELECT n.id, n.label, s.status, n.lat, n.lng
        FROM nodes.nodes n JOIN nodes.node_operational_state s ON s.node_id = n.id
        WHERE {scope}
        """;

    private const string FirmwareSummary = """
        SELECT f.firmware_version AS FirmwareVersion, count(*) AS Nodes,
               count(*) FILTER (WHERE f.update_status = 'update_available') AS UpdateAvailable,
               count(*) FILTER (WHERE f.update_status = 'update_failed') AS UpdateFailed
        FROM nodes.device_firmware f JOIN nodes.nodes n ON n.id = f.node_id
        WHERE {scope}
        GROUP BY f.firmware_version
        ORDER BY count(*) DESC, f.firmware_version
        """;

    private const string TagsInScope = """
        SELECT t.id, t.tag_name AS Name, t.tag_value AS Value, count(*) AS Nodes
        FROM nodes.device_tags t JOIN nodes.device_tag_assignments a ON a.tag_id = t.id JOIN nodes.nodes n ON n.id = a.node_id
        WHERE {scope}
        GROUP BY t.id, t.tag_name, t.tag_value
        ORDER BY t.tag_name, t.tag_value
        """;

    /// <returns>the node with everything that describes it; one that does not exist for this caller is a 404</returns>
    public async Task<NodeDetails> GetAsync(Guid id, TenantScope scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(ScopeFilter.Command(db, Details, scope, NodeOwnership.Columns, new { Id = id }, ct));
        var node = await results.ReadSingleOrDefaultAsync<NodeSummary>() ?? throw AppException.NotFound(NodeStore.Resource);
        var config = await results.ReadSingleAsync<DeviceConfigRow>();
        var channel = await results.ReadSingleOrDefaultAsync<ChannelRow>();
        var mappings = (await results.ReadAsync<MappingView>()).ToList();
        var calibrations = (await results.ReadAsync<CalibrationRow>()).Select(c => c.ToView()).ToList();
        var firmware = await results.ReadSingleOrDefaultAsync<FirmwareView>();
        var tags = (await results.ReadAsync<TagView>()).ToList();
        var state = await results.ReadSingleAsync<StateView>();
        return new NodeDetails(node, config.ToConfig(Enum.Parse<AnalyticsType>(node.AnalyticsType)),
            channel is null ? null : new ChannelView(channel.ChannelId, ThingSpeakChannel.Mask(channel.ReadKey), ThingSpeakChannel.Mask(channel.WriteKey), mappings,
                channel.ReportingIntervalSeconds, channel.Source),
            calibrations, firmware, tags, state);
    }

    public async Task<IReadOnlyList<MapPin>> MapAsync(TenantScope scope, CancellationToken ct)
    {
        var (sql, parameters) = MapQuery(scope);
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<MapPin>(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct))];
    }

    /// <summary>The map's statement; the plan tests and the benchmark run exactly this.</summary>
    internal static (string Sql, DynamicParameters Parameters) MapQuery(TenantScope scope) =>
        (ScopeFilter.Apply(Map, scope, NodeOwnership.Columns), ScopeFilter.Parameters(scope, new { }));

    public async Task<IReadOnlyList<FirmwareCount>> FirmwareSummaryAsync(TenantScope scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<FirmwareCount>(ScopeFilter.Command(db, FirmwareSummary, scope, NodeOwnership.Columns, new { }, ct))];
    }

    public async Task<IReadOnlyList<TagInUse>> TagsAsync(TenantScope scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<TagInUse>(ScopeFilter.Command(db, TagsInScope, scope, NodeOwnership.Columns, new { }, ct))];
    }

    private sealed record ChannelRow(long ChannelId, string? ReadKey, string? WriteKey, int ReportingIntervalSeconds, string Source);

    private sealed class CalibrationRow
    {
        public Guid Id { get; init; }
        public string Field { get; init; } = "";
        public string Type { get; init; } = "";
        public string Parameters { get; init; } = "{}";
        public DateTime ValidFrom { get; init; }
        public DateTime? ValidUntil { get; init; }
        public Guid? CreatedBy { get; init; }
        public DateTime CreatedAt { get; init; }

        public CalibrationView ToView() => new(Id, Field, Type, JsonNode.Parse(Parameters)!, ValidFrom, ValidUntil, CreatedBy, CreatedAt);
    }
}

/// <summary>A node on the map: nothing more than a pin needs.</summary>
public sealed record MapPin(Guid Id, string Label, string Status, double? Lat, double? Lng);

/// <summary>A tag on at least one of the caller's nodes: its id (what rule selectors name), name, value and how many nodes carry it.</summary>
public sealed record TagInUse(Guid Id, string Name, string Value, long Nodes);

public sealed record FirmwareCount(string FirmwareVersion, long Nodes, long UpdateAvailable, long UpdateFailed);
