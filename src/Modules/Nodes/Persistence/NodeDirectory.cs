using Dapper;
using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>The Nodes module's side of its published look-ups: one statement for one node or many, scoped where the caller is.</summary>
public sealed class NodeDirectory(DbSession db, ChannelKeyProtection keys) : INodeLookup, INodeAudiences, INodeIngestionSources, INodeAlertTargets, INodeOwners
{
    private const string TagCarried = """
        SELECT EXISTS (SELECT 1 FROM nodes.device_tag_assignments a JOIN nodes.nodes n ON n.id = a.node_id
                       WHERE a.tag_id = @TagId AND {scope})
        """;

    private const string Find = """
        SELECT n.id, n.analytics_type AS AnalyticsType, n.owner_distributor_id AS OwnerDistributorId,
               t.max_depth_cm AS TankMaxDepthCm, t.low_level_percent AS TankLowLevelPercent
        FROM nodes.nodes n
        LEFT JOIN nodes.device_config_tank t ON t.node_id = n.id
        WHERE n.id = ANY(@Ids) AND {scope}
        """;

    private const string Sources = """
        SELECT node_id AS NodeId, channel_id AS ChannelId FROM nodes.thingspeak_channels WHERE node_id = ANY(@Ids);

        SELECT node_id AS NodeId, thingspeak_field_name AS Field, canonical_field_name AS Metric, data_type AS DataType,
               scale_factor AS ScaleFactor, value_offset AS Offset
        FROM nodes.thingspeak_field_mappings WHERE node_id = ANY(@Ids)
        ORDER BY node_id, thingspeak_field_name;

        SELECT node_id AS NodeId, field_name AS Metric, calibration_type AS Kind, parameters::text AS ParametersJson, valid_from AS ValidFrom,
               valid_until AS ValidUntil
        FROM nodes.device_calibration WHERE node_id = ANY(@Ids)
        ORDER BY node_id, field_name, valid_from;
        """;

    private const string Target = """
        SELECT n.id AS NodeId, n.owner_distributor_id AS OwnerDistributorId, n.analytics_type AS AnalyticsType,
               coalesce(n.community_id, n.owner_community_id) AS CommunityId,
               coalesce(string_agg(a.tag_id::text, ','), '') AS TagIds, n.category AS Category
        FROM nodes.nodes n
        LEFT JOIN nodes.device_tag_assignments a ON a.node_id = n.id
        WHERE n.id = ANY(@Ids)
        GROUP BY n.id
        """;

    private const string Polled = """
        SELECT node_id AS NodeId, channel_id AS ChannelId, read_key_sealed AS SealedReadKey
        FROM nodes.thingspeak_channels
        WHERE source <> 'pushed'
        ORDER BY node_id
        """;

    private const string ChannelOfNode = """
        SELECT node_id AS NodeId, channel_id AS ChannelId, read_key_sealed AS SealedReadKey FROM nodes.thingspeak_channels WHERE node_id = @Id
        """;

    private const string Names = """
        SELECT n.id, n.node_key AS NodeKey, n.label, coalesce(n.community_id, n.owner_community_id) AS CommunityId
        FROM nodes.nodes n
        WHERE {scope} AND (@CommunityId::uuid IS NULL OR coalesce(n.community_id, n.owner_community_id) = @CommunityId)
        ORDER BY n.label, n.id
        """;

    private const string ObservedSince = """
        SELECT n.id, coalesce(s.first_seen, n.created_at)
        FROM nodes.nodes n
        LEFT JOIN nodes.node_operational_state s ON s.node_id = n.id
        WHERE n.id = ANY(@Ids) AND {scope}
        """;

    private const string OwnedByDistributor = "SELECT count(*)::int FROM nodes.nodes WHERE owner_distributor_id = @Id OR distributor_id = @Id";

    private const string OwnedByCommunity = "SELECT count(*)::int FROM nodes.nodes WHERE owner_community_id = @Id";

    private const string OwnedByCustomer = "SELECT count(*)::int FROM nodes.nodes WHERE customer_id = @Id";

    private const string Audiences = """
        SELECT id AS NodeId, owner_distributor_id AS DistributorId, coalesce(community_id, owner_community_id) AS CommunityId, customer_id AS CustomerId
        FROM nodes.nodes
        WHERE id = ANY(@Ids)
        """;

    private const string ByWriteKey = "SELECT node_id FROM nodes.thingspeak_channels WHERE write_key_hash = @Hash";

    private const string ByMqttCredentials = """
        SELECT node_id FROM nodes.mqtt_credentials WHERE username = @Username AND client_id = @ClientId AND password_hash = @Hash
        """;

    public async Task<IReadOnlyList<IngestionSource>> IngestionSourcesAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken)
    {
        var nodes = await FindManyAsync(nodeIds, TenantScope.Everything, cancellationToken);
        if (nodes.Count == 0)
        {
            return [];
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(
            new CommandDefinition(Sources, new { Ids = nodes.Select(n => n.Id).ToArray() }, db.Transaction, cancellationToken: cancellationToken));
        var channels = (await results.ReadAsync<(Guid NodeId, long ChannelId)>()).ToDictionary(c => c.NodeId, c => c.ChannelId);
        var fields = (await results.ReadAsync<FieldRow>()).ToLookup(f => f.NodeId, f => f.MapTo<SourceField>());
        var calibrations = (await results.ReadAsync<CalibrationRow>()).ToLookup(c => c.NodeId, c => c.MapTo<MetricCalibration>());
        return [.. nodes.Select(node => new IngestionSource(node, channels.TryGetValue(node.Id, out var channel) ? channel : null,
            [.. fields[node.Id]], [.. calibrations[node.Id]]))];
    }

    public IReadOnlyList<SourceField> ValidMappings(string analyticsType, IReadOnlyList<FieldMappingDraft> drafts) =>
        [.. ThingSpeakChannel.MapAll(Enum.Parse<AnalyticsType>(analyticsType),
                [.. drafts.Select(d => new FieldMappingInput(d.Field, d.CanonicalField, d.DataType, null, d.ScaleFactor, d.Offset))])
            .Select(m => new SourceField(m.Field, m.Target.Name, m.Target.DataType.ToString().ToLowerInvariant(), m.ScaleFactor, m.Offset))];

    public async Task<AlertTarget?> AlertTargetAsync(Guid nodeId, CancellationToken cancellationToken) =>
        (await AlertTargetsAsync([nodeId], cancellationToken)).SingleOrDefault();

    public async Task<IReadOnlyList<AlertTarget>> AlertTargetsAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TargetRow>(
            new CommandDefinition(Target, new { Ids = nodeIds.ToArray() }, db.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new AlertTarget(row.NodeId, row.OwnerDistributorId, row.AnalyticsType, row.CommunityId,
            [.. row.TagIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse)], row.Category))];
    }

    public async Task<IReadOnlyList<PolledChannel>> PolledChannelsAsync(CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<ChannelRow>(new CommandDefinition(Polled, transaction: db.Transaction, cancellationToken: cancellationToken));
        return [.. rows.Select(row => new PolledChannel(row.NodeId, row.ChannelId, ReadKey(row)))];
    }

    public async Task<string?> ReadKeyOfAsync(Guid nodeId, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        return ReadKey(await connection.QuerySingleOrDefaultAsync<ChannelRow>(
            new CommandDefinition(ChannelOfNode, new { Id = nodeId }, db.Transaction, cancellationToken: cancellationToken)));
    }

    public async Task<IReadOnlyList<NodeName>> ListAsync(TenantScope scope, Guid? communityId, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NodeName>(ScopeFilter.Command(db, Names, scope, NodeOwnership.Columns, new { CommunityId = communityId }, cancellationToken));
        return [.. rows];
    }

    public async Task<IReadOnlyList<NodeAudience>> AudiencesAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<NodeAudience>(new CommandDefinition(Audiences, new { Ids = nodeIds.ToArray() }, db.Transaction,
            cancellationToken: cancellationToken))];
    }

    public async Task<Guid?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(
            new CommandDefinition(ByWriteKey, new { Hash = keys.HashWriteKey(writeKey) }, db.Transaction, cancellationToken: cancellationToken));
    }

    /// <summary>Read keys are sealed, not hashed: the few channels whose key ends alike are opened and compared.</summary>
    public async Task<Guid?> FindByReadKeyAsync(string readKey, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var candidates = await connection.QueryAsync<ChannelRow>(new CommandDefinition(
            "SELECT node_id AS NodeId, channel_id AS ChannelId, read_key_sealed AS SealedReadKey FROM nodes.thingspeak_channels WHERE read_key_hint = @Hint",
            new { Hint = ChannelKeyProtection.Hint(readKey) }, db.Transaction, cancellationToken: cancellationToken));
        return candidates.FirstOrDefault(c => ReadKey(c) is { } key
            && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(readKey)))?.NodeId;
    }

    public async Task<IReadOnlyDictionary<long, Guid>> FindByChannelsAsync(IReadOnlyCollection<long> channelIds, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long ChannelId, Guid NodeId)>(new CommandDefinition(
            "SELECT channel_id, node_id FROM nodes.thingspeak_channels WHERE channel_id = ANY(@ChannelIds)",
            new { ChannelIds = channelIds.ToArray() }, db.Transaction, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.ChannelId, r => r.NodeId);
    }

    public async Task<Guid?> FindByMqttCredentialsAsync(string clientId, string username, string password, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(ByMqttCredentials,
            new { ClientId = clientId, Username = username, Hash = keys.HashWriteKey(password) }, db.Transaction, cancellationToken: cancellationToken));
    }

    private sealed record TargetRow(Guid NodeId, Guid OwnerDistributorId, string AnalyticsType, Guid? CommunityId, string TagIds, string Category);

    private sealed record ChannelRow(Guid NodeId, long ChannelId, string? SealedReadKey);

    /// <summary>A read key that cannot be opened (sealed under another secret) polls as no key: that channel's poll fails, not the cycle.</summary>
    private string? ReadKey(ChannelRow? channel) => channel?.SealedReadKey is { } sealedKey && keys.TryOpenReadKey(sealedKey, out var readKey) ? readKey : null;

    private sealed record FieldRow(Guid NodeId, string Field, string Metric, string DataType, double ScaleFactor, double Offset);

    private sealed record CalibrationRow(Guid NodeId, string Metric, string Kind, string ParametersJson, DateTime ValidFrom, DateTime? ValidUntil);

    public async Task<NodeReference?> FindAsync(Guid nodeId, TenantScope scope, CancellationToken cancellationToken) =>
        (await FindManyAsync([nodeId], scope, cancellationToken)).SingleOrDefault();

    public async Task<bool> TagInScopeAsync(Guid tagId, TenantScope scope, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(
            ScopeFilter.Command(db, TagCarried, scope, NodeOwnership.Columns, new { TagId = tagId }, cancellationToken));
    }

    public async Task<int> NodesOwnedByAsync(TenantType owner, Guid ownerId, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var sql = owner switch
        {
            TenantType.Distributor => OwnedByDistributor,
            TenantType.Community => OwnedByCommunity,
            _ => OwnedByCustomer,
        };
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(sql, new { Id = ownerId }, db.Transaction, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyDictionary<Guid, DateTimeOffset>> ObservedSinceAsync(
        IReadOnlyCollection<Guid> nodeIds, TenantScope scope, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(Guid Id, DateTime Since)>(
            ScopeFilter.Command(db, ObservedSince, scope, NodeOwnership.Columns, new { Ids = nodeIds.ToArray() }, cancellationToken));
        return rows.ToDictionary(r => r.Id, r => new DateTimeOffset(DateTime.SpecifyKind(r.Since, DateTimeKind.Utc)));
    }

    public async Task<IReadOnlyList<NodeReference>> FindManyAsync(
        IReadOnlyCollection<Guid> nodeIds, TenantScope scope, CancellationToken cancellationToken)
    {
        if (nodeIds.Count == 0)
        {
            return [];
        }

        var connection = await db.ConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<NodeReference>(
            ScopeFilter.Command(db, Find, scope, NodeOwnership.Columns, new { Ids = nodeIds.ToArray() }, cancellationToken));
        return [.. rows];
    }
}
