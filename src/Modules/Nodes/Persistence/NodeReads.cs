using System.Text.Json.Nodes;
using Dapper;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;

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
        n.owner_distributor_id AS OwnerDistributorId, n.owner_community_id AS OwnerCommunityId, s.version AS StateVersion
        """;

    private const string Details = $$"""
        SELECT {{SummaryColumns}}
        FROM nodes.nodes n JOIN nodes.node_operational_state s ON s.node_id = n.id
        WHERE n.id = @Id AND {scope};

        SELECT t.max_depth_cm AS MaxDepthCm, t.sensor_offset_cm AS SensorOffsetCm, t.low_level_percent AS LowLevelPercent,
               t.high_level_percent AS HighLevelPercent, f.pipe_diameter_mm AS PipeDiameterMm, f.pulses_per_litre AS PulsesPerLitre,
               f.max_flow_rate_lpm AS MaxFlowRateLpm, d.well_depth_m AS WellDepthM, d.pump_rating_kw AS PumpRatingKw,
               d.pump_depth_m AS PumpDepthM
        FROM nodes.nodes n
        LEFT JOIN nodes.device_config_tank t ON t.node_id = n.id
        LEFT JOIN nodes.device_config_flow f ON f.node_id = n.id
        LEFT JOIN nodes.device_config_deep d ON d.node_id = n.id
        WHERE n.id = @Id;

        SELECT channel_id AS ChannelId, read_key AS ReadKey, write_key AS WriteKey
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
               consecutive_failures AS ConsecutiveFailures, version, updated_at AS UpdatedAt
        FROM nodes.node_operational_state WHERE node_id = @Id;
        """;

    /// <summary>Every node in scope with just what a map pin needs, read from the covering index where scoped.</summary>
    internal const string Map = """
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

    /// <returns>the node with everything that describes it, or null when it does not exist for this caller</returns>
    public async Task<NodeDetails?> FindAsync(Guid id, TenantScope scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            NodeStore.Scoped(Details, scope), NodeStore.Parameters(scope, new { Id = id }), db.Transaction, cancellationToken: ct));
        var node = await results.ReadSingleOrDefaultAsync<NodeSummary>();
        if (node is null)
        {
            return null;
        }

        var config = await results.ReadSingleAsync<ConfigRow>();
        var channel = await results.ReadSingleOrDefaultAsync<ChannelRow>();
        var mappings = (await results.ReadAsync<MappingView>()).ToList();
        var calibrations = (await results.ReadAsync<CalibrationRow>()).Select(c => c.ToView()).ToList();
        var firmware = await results.ReadSingleOrDefaultAsync<FirmwareView>();
        var tags = (await results.ReadAsync<TagView>()).ToList();
        var state = await results.ReadSingleAsync<StateView>();
        return new NodeDetails(node, config.ToJson(node.AnalyticsType),
            channel is null ? null : new ChannelView(channel.ChannelId, Domain.ThingSpeakChannel.Mask(channel.ReadKey), Domain.ThingSpeakChannel.Mask(channel.WriteKey), mappings),
            calibrations, firmware, tags, state);
    }

    public async Task<IReadOnlyList<MapPin>> MapAsync(TenantScope scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var pins = await connection.QueryAsync<MapPin>(new CommandDefinition(
            NodeStore.Scoped(Map, scope), NodeStore.Parameters(scope, new { }), db.Transaction, cancellationToken: ct));
        return [.. pins];
    }

    public async Task<IReadOnlyList<FirmwareCount>> FirmwareSummaryAsync(TenantScope scope, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        var counts = await connection.QueryAsync<FirmwareCount>(new CommandDefinition(
            NodeStore.Scoped(FirmwareSummary, scope), NodeStore.Parameters(scope, new { }), db.Transaction, cancellationToken: ct));
        return [.. counts];
    }

    private sealed class ConfigRow
    {
        public double? MaxDepthCm { get; init; }
        public double? SensorOffsetCm { get; init; }
        public double? LowLevelPercent { get; init; }
        public double? HighLevelPercent { get; init; }
        public double? PipeDiameterMm { get; init; }
        public double? PulsesPerLitre { get; init; }
        public double? MaxFlowRateLpm { get; init; }
        public double? WellDepthM { get; init; }
        public double? PumpRatingKw { get; init; }
        public double? PumpDepthM { get; init; }

        public JsonObject ToJson(string analyticsType) => analyticsType switch
        {
            nameof(Domain.AnalyticsType.EvaraTank) => new JsonObject
            {
                ["maxDepthCm"] = MaxDepthCm, ["sensorOffsetCm"] = SensorOffsetCm,
                ["lowLevelPercent"] = LowLevelPercent, ["highLevelPercent"] = HighLevelPercent,
            },
            nameof(Domain.AnalyticsType.EvaraFlow) => new JsonObject
            {
                ["pipeDiameterMm"] = PipeDiameterMm, ["pulsesPerLitre"] = PulsesPerLitre, ["maxFlowRateLpm"] = MaxFlowRateLpm,
            },
            _ => new JsonObject { ["wellDepthM"] = WellDepthM, ["pumpRatingKw"] = PumpRatingKw, ["pumpDepthM"] = PumpDepthM },
        };
    }

    private sealed record ChannelRow(long ChannelId, string? ReadKey, string? WriteKey);

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

public sealed record FirmwareCount(string FirmwareVersion, long Nodes, long UpdateAvailable, long UpdateFailed);
