using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EvaraTech.Infrastructure.Http;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>A node as lists show it: identity, owner, place, status. Sparse fieldsets pick from these names.</summary>
public record NodeSummary : IAuditedResource
{
    public Guid Id { get; init; }
    public string NodeKey { get; init; } = "";
    public string Label { get; init; } = "";
    public string Category { get; init; } = "";
    public string AnalyticsType { get; init; } = "";
    public string TenantType { get; init; } = "";
    public Guid? DistributorId { get; init; }
    public Guid? CommunityId { get; init; }
    public Guid? CustomerId { get; init; }
    public double? Lat { get; init; }
    public double? Lng { get; init; }
    public string? LocationName { get; init; }
    public double? CapacityLitres { get; init; }
    public string Status { get; init; } = "";
    public DateTime? LastSeen { get; init; }
    public long Version { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; init; }

    [JsonIgnore]
    public Guid? OwnerDistributorId { get; init; }

}

/// <summary>
/// One node with everything that describes it. Its ETag covers the node and its operational state. <see cref="Config"/>
/// is the node type's <c>DeviceConfig</c>, typed as object so that its own properties are serialised.
/// </summary>
public sealed record NodeDetails(
    NodeSummary Node,
    object Config,
    ChannelView? Channel,
    IReadOnlyList<CalibrationView> Calibrations,
    FirmwareView? Firmware,
    IReadOnlyList<TagView> Tags,
    StateView State) : IAuditedResource
{
    public Guid Id => Node.Id;

    [JsonIgnore]
    public Guid? OwnerDistributorId => Node.OwnerDistributorId;

    [JsonIgnore]
    public string ETag => NodeETag.Format(Node.Version, State.Version);
}

/// <summary>A channel as the API shows it: keys masked to their last four characters; source polled, pushed or both.</summary>
public sealed record ChannelView(long ChannelId, string? ReadKey, string? WriteKey, IReadOnlyList<MappingView> Mappings, int ReportingIntervalSeconds,
    string Source);

public sealed record MappingView(string Field, string CanonicalField, string DataType, string? Unit, double ScaleFactor, double Offset);

public sealed record CalibrationView(Guid Id, string Field, string Type, JsonNode Parameters, DateTime ValidFrom, DateTime? ValidUntil, Guid? CreatedBy, DateTime CreatedAt);

public sealed record FirmwareView(string FirmwareVersion, string? HardwareRevision, string? BootloaderVersion, DateTime? LastUpdate, string UpdateStatus);

public sealed record TagView(string Name, string Value);

/// <param name="LastError">why the node's last poll failed (never a key or a URL), kept until a poll succeeds</param>
public sealed record StateView(string Status, DateTime? LastSeen, DateTime? LastTelemetrySync, int ConsecutiveFailures, string? LastError,
    DateTime? LastErrorAt, long Version, DateTime UpdatedAt);

/// <summary>
/// A node's ETag, <c>"7.3"</c>: node version 7, state version 3. A reading that changes the state makes cached copies
/// stale, while an edit only has to match the node's own version, so pollers never make an edit fail.
/// </summary>
public static class NodeETag
{
    public static string Format(long nodeVersion, long stateVersion) => $"\"{nodeVersion}.{stateVersion}\"";

    /// <returns>the node version of an ETag's opaque value (<c>7.3</c> or <c>7</c>), or null when it names none</returns>
    public static long? NodeVersion(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? Versioning.ParseVersion(value)
            : Versioning.ParseVersion(value[(dot + 1)..]) is null ? null : Versioning.ParseVersion(value[..dot]);
    }
}
