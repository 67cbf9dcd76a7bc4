using EvaraTech.Domain;

namespace EvaraTech.Modules.Nodes.Contracts;

/// <summary>What another module may know about a node: its identity, type and owner, and its tank geometry.</summary>
/// <param name="AnalyticsType">EvaraTank, EvaraFlow or EvaraDeep.</param>
/// <param name="TankMaxDepthCm">the tank's depth (EvaraTank with a configuration), for level percentages.</param>
/// <param name="TankLowLevelPercent">the tank's low-level threshold, in percent.</param>
public sealed record NodeReference(
    Guid Id, string AnalyticsType, Guid OwnerDistributorId, double? TankMaxDepthCm, double? TankLowLevelPercent);

/// <summary>One source field of a node's channel and the metric it feeds (value × scale + offset).</summary>
public sealed record SourceField(string Field, string Metric, string DataType, double ScaleFactor, double Offset);

/// <summary>A field mapping not yet saved, as a client writes it (<c>field3 → tds_ppm</c>, optionally typed, scaled and offset).</summary>
public sealed record FieldMappingDraft(string? Field, string? CanonicalField, string? DataType, double? ScaleFactor, double? Offset);

/// <summary>A calibration of one metric as stored: its kind, parameters (JSON) and validity.</summary>
public sealed record MetricCalibration(string Metric, string Kind, string ParametersJson, DateTimeOffset ValidFrom, DateTimeOffset? ValidUntil);

/// <summary>Everything ingestion needs about a node: identity, channel, mappings and calibrations.</summary>
public sealed record IngestionSource(
    NodeReference Node, long? ChannelId, IReadOnlyList<SourceField> Fields, IReadOnlyList<MetricCalibration> Calibrations);

/// <summary>What alert and notification rules select a node by: its owner, type, category, community and tags.</summary>
public sealed record AlertTarget(Guid NodeId, Guid OwnerDistributorId, string AnalyticsType, Guid? CommunityId, IReadOnlyList<Guid> TagIds, string Category);

/// <summary>Who may see a node: its ownership path (realtime sends each of its events to exactly these audiences).</summary>
public sealed record NodeAudience(Guid NodeId, Guid DistributorId, Guid? CommunityId, Guid? CustomerId);

/// <summary>A node as reports name it.</summary>
public sealed record NodeName(Guid Id, string NodeKey, string Label, Guid? CommunityId);

/// <summary>A node whose ThingSpeak channel the poller reads.</summary>
public sealed record PolledChannel(Guid NodeId, long ChannelId, string? ReadKey);

/// <summary>
/// The nodes a caller may see, for modules that keep data by node (telemetry, alerts) and the realtime hub: they never
/// read the Nodes tables themselves; out-of-scope nodes are simply absent.
/// </summary>
public interface INodeLookup
{
    /// <returns>the node, or null when it does not exist or is outside <paramref name="scope"/></returns>
    Task<NodeReference?> FindAsync(Guid nodeId, TenantScope scope, CancellationToken cancellationToken);

    /// <returns>the nodes of <paramref name="nodeIds"/> within <paramref name="scope"/>, in no particular order</returns>
    Task<IReadOnlyList<NodeReference>> FindManyAsync(IReadOnlyCollection<Guid> nodeIds, TenantScope scope, CancellationToken cancellationToken);

    /// <returns>whether a node within <paramref name="scope"/> carries the tag (tags are shared; one no node in scope carries is not the caller's)</returns>
    Task<bool> TagInScopeAsync(Guid tagId, TenantScope scope, CancellationToken cancellationToken);

    /// <returns>the nodes within <paramref name="scope"/>, of one community when it is given, ordered by label then id</returns>
    Task<IReadOnlyList<NodeName>> ListAsync(TenantScope scope, Guid? communityId, CancellationToken cancellationToken);

    /// <returns>
    /// for each node of <paramref name="nodeIds"/> within <paramref name="scope"/>, when it began to be observed: its first
    /// reading, or its creation while it has none
    /// </returns>
    Task<IReadOnlyDictionary<Guid, DateTimeOffset>> ObservedSinceAsync(IReadOnlyCollection<Guid> nodeIds, TenantScope scope, CancellationToken cancellationToken);
}

/// <summary>What a tenant still owns of the Nodes module, so that its deletion can be refused by name, in the caller's scope.</summary>
public interface INodeOwners
{
    /// <returns>how many nodes the tenant owns (for a distributor: also those it distributes)</returns>
    Task<int> NodesOwnedByAsync(TenantType owner, Guid ownerId, CancellationToken cancellationToken);
}

/// <summary>Who sees a node, for those who tell them (realtime fan-out, alert notifications): the platform's own work, unscoped.</summary>
public interface INodeAudiences
{
    /// <returns>the ownership paths of the nodes that exist</returns>
    Task<IReadOnlyList<NodeAudience>> AudiencesAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken);
}

/// <summary>What ingestion needs to read, authenticate and map a node's telemetry: the platform's own work, unscoped.</summary>
public interface INodeIngestionSources
{
    /// <returns>how to read the nodes' telemetry; nodes that do not exist are absent</returns>
    Task<IReadOnlyList<IngestionSource>> IngestionSourcesAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken);

    /// <returns>
    /// the mappings as a node of <paramref name="analyticsType"/> would store and ingestion would read them; refused
    /// (<see cref="DomainRuleViolation"/>, on the mapping's field) exactly as saving the channel refuses them
    /// </returns>
    IReadOnlyList<SourceField> ValidMappings(string analyticsType, IReadOnlyList<FieldMappingDraft> drafts);

    /// <returns>every node whose ThingSpeak channel the poller reads</returns>
    Task<IReadOnlyList<PolledChannel>> PolledChannelsAsync(CancellationToken cancellationToken);

    /// <returns>the node whose channel has <paramref name="writeKey"/>, or null (device push authenticates by it)</returns>
    Task<Guid?> FindByWriteKeyAsync(string writeKey, CancellationToken cancellationToken);

    /// <returns>the read key stored for the node's channel, or null (no channel, or a public one)</returns>
    Task<string?> ReadKeyOfAsync(Guid nodeId, CancellationToken cancellationToken);

    /// <returns>the node whose channel has <paramref name="readKey"/>, or null (an MQTT subscriber authenticates by it)</returns>
    Task<Guid?> FindByReadKeyAsync(string readKey, CancellationToken cancellationToken);

    /// <returns>the node of each channel that has one (an outside MQTT broker names only the channel)</returns>
    Task<IReadOnlyDictionary<long, Guid>> FindByChannelsAsync(IReadOnlyCollection<long> channelIds, CancellationToken cancellationToken);

    /// <returns>the node whose MQTT credentials these are (all three must match), or null</returns>
    Task<Guid?> FindByMqttCredentialsAsync(string clientId, string username, string password, CancellationToken cancellationToken);
}

/// <summary>What alert rules select a node by, for rule evaluation: the platform's own work, unscoped.</summary>
public interface INodeAlertTargets
{
    /// <returns>the node's owner, type, community and tags, or null when it does not exist</returns>
    Task<AlertTarget?> AlertTargetAsync(Guid nodeId, CancellationToken cancellationToken);

    /// <returns>the targets of those of the nodes that exist, in one look-up</returns>
    Task<IReadOnlyList<AlertTarget>> AlertTargetsAsync(IReadOnlyCollection<Guid> nodeIds, CancellationToken cancellationToken);
}
