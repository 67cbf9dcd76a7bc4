using System.Text.RegularExpressions;

namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>A point on the earth, degrees (WGS 84).</summary>
public sealed record GeoPoint(double Lat, double Lng)
{
    public static GeoPoint? From(double? lat, double? lng)
    {
        if (lat is null && lng is null)
        {
            return null;
        }

        if (lat is not { } latitude || !double.IsFinite(latitude) || latitude is < -90 or > 90)
        {
            throw new DomainRuleViolation("INVALID_LOCATION", "lat is between -90 and 90, given together with lng.", "lat");
        }

        if (lng is not { } longitude || !double.IsFinite(longitude) || longitude is < -180 or > 180)
        {
            throw new DomainRuleViolation("INVALID_LOCATION", "lng is between -180 and 180, given together with lat.", "lng");
        }

        return new GeoPoint(latitude, longitude);
    }
}

/// <summary>
/// An IoT node: its identity, owner, place and per-type configuration. The operational state (status, last seen)
/// is a separate aggregate, <see cref="OperationalState"/>, so that polling never contends with editing.
/// </summary>
public sealed partial class Node : AggregateRoot<Guid>
{
    private Node(Guid id, long version, string nodeKey, AnalyticsType analyticsType) : base(id, version)
    {
        NodeKey = nodeKey;
        AnalyticsType = analyticsType;
    }

    public string NodeKey { get; }
    public AnalyticsType AnalyticsType { get; }
    public string Label { get; private set; } = "";
    public NodeCategory Category { get; private set; }
    public TenantOwner Owner { get; private set; } = null!;
    public GeoPoint? Location { get; private set; }
    public string? LocationName { get; private set; }
    public double? CapacityLitres { get; private set; }
    public DeviceConfig Config { get; private set; } = null!;

    /// <param name="analyticsType">optional: the category's own type; any other is refused</param>
    public static Node Create(string? nodeKey, string? label, NodeCategory category, AnalyticsType? analyticsType, TenantOwner owner,
        GeoPoint? location, string? locationName, double? capacityLitres, DeviceConfigInput? config)
    {
        var type = NodeKinds.AnalyticsTypeOf(category);
        if (analyticsType is { } requested && requested != type)
        {
            throw new DomainRuleViolation("INVALID_CATEGORY", $"A {category} node is {type}, not {requested}.", "analyticsType");
        }

        var node = new Node(Guid.CreateVersion7(), 1, ValidKey(nodeKey), type) { Owner = owner };
        node.Change(label, category, location, locationName, capacityLitres, config);
        return node;
    }

    /// <summary>A node as stored, for a command to change.</summary>
    public static Node Load(Guid id, long version, string nodeKey, string label, NodeCategory category, AnalyticsType analyticsType,
        TenantOwner owner, GeoPoint? location, string? locationName, double? capacityLitres, DeviceConfig config) =>
        new(id, version, nodeKey, analyticsType)
        {
            Label = label, Category = category, Owner = owner, Location = location, LocationName = locationName,
            CapacityLitres = capacityLitres, Config = config,
        };

    /// <summary>Everything but identity, type and owner. The category may change within the analytics type only.</summary>
    public void Change(string? label, NodeCategory category, GeoPoint? location, string? locationName, double? capacityLitres, DeviceConfigInput? config)
    {
        if (NodeKinds.AnalyticsTypeOf(category) != AnalyticsType)
        {
            throw new DomainRuleViolation("INVALID_CATEGORY",
                $"A {AnalyticsType} node's category is one of {string.Join(", ", Enum.GetValues<NodeCategory>().Where(c => NodeKinds.AnalyticsTypeOf(c) == AnalyticsType))}.",
                "category");
        }

        // Everything is checked before anything changes, so a refused change leaves the node as it was.
        var trimmed = label?.Trim();
        var newLabel = trimmed is { Length: >= 1 and <= 200 }
            ? trimmed
            : throw new DomainRuleViolation("INVALID_LABEL", "label has 1 to 200 characters.", "label");
        var place = string.IsNullOrWhiteSpace(locationName) ? null : locationName.Trim();
        if (place is { Length: > 200 })
        {
            throw new DomainRuleViolation("INVALID_LOCATION", "locationName has at most 200 characters.", "locationName");
        }

        if (capacityLitres is not (null or (> 0 and < double.PositiveInfinity)))
        {
            throw new DomainRuleViolation("INVALID_CAPACITY", "capacityLitres is greater than 0.", "capacityLitres");
        }

        var newConfig = DeviceConfig.For(AnalyticsType, config);
        (Label, LocationName, CapacityLitres, Category, Location, Config) = (newLabel, place, capacityLitres, category, location, newConfig);
    }

    /// <summary>Hands the node to another tenant; the caller has checked that the tenant is in their scope.</summary>
    public bool MoveTo(TenantOwner owner)
    {
        if (owner == Owner)
        {
            return false;
        }

        Owner = owner;
        return true;
    }

    public ThingSpeakChannel ConfigureChannel(long? channelId, string? readKey, IReadOnlyList<FieldMappingInput>? mappings,
        int? reportingIntervalSeconds = null, string? source = null) =>
        ThingSpeakChannel.Configure(AnalyticsType, channelId, readKey, mappings, reportingIntervalSeconds, source);

    private static string ValidKey(string? nodeKey) =>
        nodeKey is not null && NodeKeyPattern().IsMatch(nodeKey)
            ? nodeKey
            : throw new DomainRuleViolation("INVALID_NODE_KEY",
                "nodeKey is 1 to 64 letters, digits, '_', '.', ':' or '-', starting with a letter or digit.", "nodeKey");

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}\z")]
    private static partial Regex NodeKeyPattern();
}
