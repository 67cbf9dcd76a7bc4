namespace EvaraTech.Modules.Realtime;

/// <summary>One node's stored batch: how many readings, the span they cover, and the node's latest values after it.</summary>
public sealed record TelemetryUpdate(
    Guid NodeId, string TelemetryType, int Stored, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? LatestAt,
    IReadOnlyDictionary<string, double>? Latest);

/// <summary>What a client receives for telemetry: every node update of one flush that its group may see, in one message.</summary>
public sealed record TelemetryUpdates(IReadOnlyList<TelemetryUpdate> Updates);

public sealed record NodeStatusMessage(Guid NodeId, string PreviousStatus, string Status, string Reason, DateTimeOffset At);

/// <param name="Change">raised, acknowledged or resolved</param>
public sealed record AlertMessage(Guid AlertId, Guid RuleId, Guid NodeId, string Severity, string Change, string? Message, double? Value, DateTimeOffset At);

public sealed record DashboardMessage(DateTimeOffset RefreshedAt);

/// <summary>What the hub sends; a client subscribes to these method names (<c>Telemetry</c>, <c>AlertRaised</c>, …).</summary>
public interface IRealtimeClient
{
    Task Telemetry(TelemetryUpdates updates);

    Task NodeStatusChanged(NodeStatusMessage message);

    Task AlertRaised(AlertMessage message);

    Task AlertAcknowledged(AlertMessage message);

    Task AlertResolved(AlertMessage message);

    Task DashboardStatsChanged(DashboardMessage message);
}
