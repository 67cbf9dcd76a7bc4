using System.Globalization;
using Dapper;
using EvaraTech.Modules.Nodes.Persistence;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>
/// A node and the rows that hang off it (operational state, tank configuration, ThingSpeak channel, field mappings,
/// calibrations). By default a tank (OHT, EvaraTank) owned by a distributor, with nothing hanging off it;
/// <see cref="Existing"/> adds only the parts to a node already stored.
/// </summary>
public sealed class NodeBuilder
{
    private readonly bool _exists;
    private readonly List<Mapping> _mappings = [];
    private readonly List<Calibration> _calibrations = [];
    private string _category = "OHT";
    private string _analyticsType = "EvaraTank";
    private string _tenantType = "distributor";
    private Guid? _distributor;
    private Guid? _community;
    private Guid? _customer;
    private Guid _ownerDistributor;
    private Guid? _ownerCommunity;
    private string? _key;
    private string _label = "Node";
    private bool _withState;
    private (double MaxDepthCm, double LowLevelPercent)? _tank;
    private (long Id, string? ReadKey, string? WriteKey, int ReportingIntervalSeconds)? _channel;

    private NodeBuilder(Guid id, bool exists)
    {
        Id = id;
        _exists = exists;
    }

    public Guid Id { get; }

    public static NodeBuilder OfDistributor(Guid distributor, Guid? id = null) =>
        new NodeBuilder(id ?? Guid.CreateVersion7(), false) { _distributor = distributor, _ownerDistributor = distributor };

    public static NodeBuilder OfCommunity(Guid community, Guid distributor, Guid? id = null) => new NodeBuilder(id ?? Guid.CreateVersion7(), false)
    {
        _tenantType = "community", _community = community, _ownerDistributor = distributor, _ownerCommunity = community,
    };

    public static NodeBuilder OfCustomer(Guid customer, Guid community, Guid distributor, Guid? id = null) => new NodeBuilder(id ?? Guid.CreateVersion7(), false)
    {
        _tenantType = "customer", _customer = customer, _ownerDistributor = distributor, _ownerCommunity = community,
    };

    public static NodeBuilder Existing(Guid id) => new(id, true);

    /// <summary>Without it the key is made of the id and the label is "Node".</summary>
    public NodeBuilder Named(string key, string label)
    {
        (_key, _label) = (key, label);
        return this;
    }

    public NodeBuilder Labelled(string label)
    {
        _label = label;
        return this;
    }

    public NodeBuilder Kind(string category, string analyticsType)
    {
        (_category, _analyticsType) = (category, analyticsType);
        return this;
    }

    public NodeBuilder FlowMeter() => Kind("FlowMeter", "EvaraFlow");

    public NodeBuilder Borewell() => Kind("Borewell", "EvaraDeep");

    /// <summary>Its operational state row, as the schema starts it (Provisioning, never seen).</summary>
    public NodeBuilder WithState()
    {
        _withState = true;
        return this;
    }

    public NodeBuilder WithTank(double maxDepthCm, double lowLevelPercent = 20)
    {
        _tank = (maxDepthCm, lowLevelPercent);
        return this;
    }

    public NodeBuilder WithChannel(long channelId, string? readKey = null, string? writeKey = null, int reportingIntervalSeconds = 60)
    {
        _channel = (channelId, readKey, writeKey, reportingIntervalSeconds);
        return this;
    }

    /// <summary>ThingSpeak's <paramref name="field"/> stored as <paramref name="canonical"/>, as value × scale + offset.</summary>
    public NodeBuilder WithMapping(string field, string canonical, string dataType = "float", double scale = 1, double offset = 0)
    {
        _mappings.Add(new Mapping(Id, field, canonical, dataType, scale, offset));
        return this;
    }

    /// <summary>A linear calibration (slope·x + intercept) of <paramref name="field"/> from <paramref name="validFrom"/>.</summary>
    public NodeBuilder WithCalibration(string field, double slope, double intercept, DateTimeOffset validFrom, Guid? id = null)
    {
        var parameters = string.Create(CultureInfo.InvariantCulture, $$"""{"slope": {{slope}}, "intercept": {{intercept}}}""");
        _calibrations.Add(new Calibration(id ?? Guid.CreateVersion7(), Id, field, parameters, validFrom));
        return this;
    }

    public async Task<Guid> InsertAsync(TestDatabase database)
    {
        await using var connection = await Rows.OpenAsync(database);
        return await InsertAsync(connection);
    }

    public async Task<Guid> InsertAsync(NpgsqlConnection connection)
    {
        if (!_exists)
        {
            await connection.ExecuteAsync("""
                INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, community_id, customer_id,
                                         owner_distributor_id, owner_community_id)
                VALUES (@Id, @Key, @Label, @Category, @AnalyticsType, @TenantType, @Distributor, @Community, @Customer, @OwnerDistributor, @OwnerCommunity)
                """, new
            {
                Id, Key = _key ?? $"node-{Id:N}", Label = _label, Category = _category, AnalyticsType = _analyticsType, TenantType = _tenantType,
                Distributor = _distributor, Community = _community, Customer = _customer, OwnerDistributor = _ownerDistributor,
                OwnerCommunity = _ownerCommunity,
            });
        }

        if (_withState)
        {
            await connection.ExecuteAsync("INSERT INTO nodes.node_operational_state (node_id) VALUES (@Id)", new { Id });
        }

        if (_tank is var (maxDepthCm, lowLevelPercent))
        {
            await connection.ExecuteAsync("""
                INSERT INTO nodes.device_config_tank (node_id, max_depth_cm, low_level_percent) VALUES (@Id, @MaxDepthCm, @LowLevelPercent)
                """, new { Id, MaxDepthCm = maxDepthCm, LowLevelPercent = lowLevelPercent });
        }

        if (_channel is var (channelId, readKey, writeKey, reportingIntervalSeconds))
        {
            await connection.ExecuteAsync("""
                INSERT INTO nodes.thingspeak_channels
                    (node_id, channel_id, read_key_sealed, read_key_hint, write_key_hash, write_key_hint, reporting_interval_seconds)
                VALUES (@Id, @ChannelId, @ReadKeySealed, @ReadKeyHint, @WriteKeyHash, @WriteKeyHint, @ReportingIntervalSeconds)
                """, new
            {
                Id, ChannelId = channelId, ReportingIntervalSeconds = reportingIntervalSeconds,
                ReadKeySealed = readKey is null ? null : TestChannelKeys.Protection.SealReadKey(readKey),
                ReadKeyHint = readKey is null ? null : ChannelKeyProtection.Hint(readKey),
                WriteKeyHash = writeKey is null ? null : TestChannelKeys.Protection.HashWriteKey(writeKey),
                WriteKeyHint = writeKey is null ? null : ChannelKeyProtection.Hint(writeKey),
            });
        }

        await connection.ExecuteAsync("""
            INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type, scale_factor, value_offset)
            VALUES (gen_random_uuid(), @Node, @Field, @Canonical, @DataType, @Scale, @Offset)
            """, _mappings);
        await connection.ExecuteAsync("""
            INSERT INTO nodes.device_calibration (id, node_id, field_name, calibration_type, parameters, valid_from)
            VALUES (@Id, @Node, @Field, 'linear', @Parameters::jsonb, @ValidFrom)
            """, _calibrations);
        return Id;
    }

    private sealed record Mapping(Guid Node, string Field, string Canonical, string DataType, double Scale, double Offset);

    private sealed record Calibration(Guid Id, Guid Node, string Field, string Parameters, DateTimeOffset ValidFrom);
}
