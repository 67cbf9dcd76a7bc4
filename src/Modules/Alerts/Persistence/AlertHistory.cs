using System.Globalization;
using System.Text.Json.Serialization;
using Dapper;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>An alert as the API shows it, with its rule's name and metric.</summary>
public sealed record AlertDto(
    Guid Id, Guid RuleId, string RuleName, string Metric, Guid NodeId, Guid DistributorId, string Severity, string Status, double Value, string Message,
    DateTime TriggeredAt, DateTime? AcknowledgedAt, Guid? AcknowledgedBy, DateTime? ResolvedAt, Guid? ResolvedBy, string? Resolution) : IAuditedResource
{
    [JsonIgnore]
    public Guid? OwnerDistributorId => DistributorId;
}

/// <summary>
/// What a list of alerts is narrowed to: the caller's scope (a distributor's by the alert's owner column, which its
/// indexes lead with; a customer's by row-level security over its nodes), and <see cref="NodeIds"/> when given.
/// </summary>
public sealed record AlertFilter(
    TenantScope Scope, bool ActiveOnly, IReadOnlyList<string> Severities, IReadOnlyList<string> Statuses, IReadOnlyCollection<Guid>? NodeIds, DateTimeOffset? From,
    DateTimeOffset? To);

/// <summary>Counts and response times of the alerts in a period.</summary>
public sealed record AlertStats(
    long Total, long Open, IReadOnlyDictionary<string, long> BySeverity, IReadOnlyDictionary<string, long> ByStatus,
    double? MeanSecondsToAcknowledge, double? MeanSecondsToResolve);

/// <summary>
/// Reads and operator actions on <c>alerts.alert_history</c>. Row-level security shows a caller only the alerts of
/// nodes they see; lists narrow further by node when asked. Lists are keyset-paged, newest first.
/// </summary>
public sealed class AlertHistory(DbSession db)
{
    public const string Resource = "Alert";

    /// <summary>An alert keeps its node's distributor as it was when it fired; a customer sees the alerts of its nodes.</summary>
    private static readonly Ownership Ownership = Ownership.NodeChild("h.owner_distributor_id");

    private const string Columns = """
        h.id, h.rule_id AS RuleId, h.rule_name AS RuleName, h.metric, h.node_id AS NodeId, h.owner_distributor_id AS DistributorId, h.severity, h.status, h.value, h.message,
        h.triggered_at AS TriggeredAt, h.acknowledged_at AS AcknowledgedAt, h.acknowledged_by AS AcknowledgedBy, h.resolved_at AS ResolvedAt,
        h.resolved_by AS ResolvedBy, h.resolution
        """;

    /// <summary>
    /// The page: the filters the caller gave and nothing else, so each combination is its own statement with a plan of
    /// its own. Catch-all conditions (<c>@x IS NULL OR …</c>) made PostgreSQL plan the page afresh on every request
    /// (planning cost many times the read itself), because no generic plan fits every combination.
    /// </summary>
    private const string Page = $$"""
        SELECT {{Columns}}
        FROM alerts.alert_history h
        WHERE {0}
        ORDER BY h.triggered_at DESC, h.id DESC
        LIMIT @Limit
        """;

    private const string One = $"""
        SELECT {Columns}
        FROM alerts.alert_history h
        WHERE h.id = @Id
        """;

    private const string Stats = """
        SELECT count(*) AS Total,
               count(*) FILTER (WHERE h.resolved_at IS NULL) AS Open,
               avg(extract(epoch FROM h.acknowledged_at - h.triggered_at)) AS MeanSecondsToAcknowledge,
               avg(extract(epoch FROM h.resolved_at - h.triggered_at)) AS MeanSecondsToResolve
        FROM alerts.alert_history h
        WHERE {0};

        SELECT h.severity AS Key, count(*) AS Count FROM alerts.alert_history h WHERE {0} GROUP BY h.severity;

        SELECT h.status AS Key, count(*) AS Count FROM alerts.alert_history h WHERE {0} GROUP BY h.status;
        """;

    private const string Acknowledge = """
        UPDATE alerts.alert_history
        SET status = 'acknowledged', acknowledged_at = @At, acknowledged_by = @UserId
        WHERE id = @Id AND resolved_at IS NULL AND acknowledged_at IS NULL
        RETURNING id
        """;

    public async Task<AlertDto?> FindAsync(Guid id, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<AlertDto>(new CommandDefinition(One, new { Id = id }, db.Transaction, cancellationToken: ct));
    }

    /// <returns>up to <paramref name="limit"/> alerts after the keyset position (newest first)</returns>
    public async Task<IReadOnlyList<AlertDto>> PageAsync(AlertFilter filter, (DateTimeOffset At, Guid Id)? after, int limit, CancellationToken ct)
    {
        var (sql, parameters) = PageQuery(filter, after, limit);
        var connection = await db.ConnectionAsync(ct);
        return [.. await connection.QueryAsync<AlertDto>(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct))];
    }

    /// <summary>The page statement and its parameters, exactly as <see cref="PageAsync"/> runs them (the plan tests explain it).</summary>
    internal static (string Sql, DynamicParameters Parameters) PageQuery(AlertFilter filter, (DateTimeOffset At, Guid Id)? after, int limit)
    {
        var (where, parameters) = Where(filter);
        if (after is var (at, id))
        {
            where.Add("(h.triggered_at, h.id) < (@AfterAt, @AfterId)");
            parameters.Add("AfterAt", at);
            parameters.Add("AfterId", id);
        }

        parameters.Add("Limit", limit);
        return (Render(Page, where), parameters);
    }

    public async Task<AlertStats> StatsAsync(AlertFilter filter, CancellationToken ct)
    {
        var (where, parameters) = Where(filter);
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(Render(Stats, where), parameters, db.Transaction, cancellationToken: ct));
        var totals = await results.ReadSingleAsync<(long Total, long Open, double? MeanSecondsToAcknowledge, double? MeanSecondsToResolve)>();
        var bySeverity = (await results.ReadAsync<(string Key, long Count)>()).ToDictionary(r => r.Key, r => r.Count);
        var byStatus = (await results.ReadAsync<(string Key, long Count)>()).ToDictionary(r => r.Key, r => r.Count);
        return new AlertStats(totals.Total, totals.Open, bySeverity, byStatus, totals.MeanSecondsToAcknowledge, totals.MeanSecondsToResolve);
    }

    /// <returns>whether the alert was open and unacknowledged (and now is acknowledged)</returns>
    public async Task<bool> AcknowledgeAsync(Guid id, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(Acknowledge, new { Id = id, UserId = userId, At = at },
            db.Transaction, cancellationToken: ct)) is not null;
    }

    /// <summary>A statement with its <c>{0}</c> replaced by the conditions, all of which must hold.</summary>
    private static string Render(string statement, IEnumerable<string> conditions) =>
        string.Format(CultureInfo.InvariantCulture, statement, string.Join("\n  AND ", conditions));

    /// <returns>the conditions of the filters given (fixed fragments; every value a parameter) and their parameters</returns>
    private static (List<string> Conditions, DynamicParameters Parameters) Where(AlertFilter filter)
    {
        List<string> conditions = [ScopeFilter.Sql(filter.Scope, Ownership)];
        var parameters = ScopeFilter.Parameters(filter.Scope);

        if (filter.ActiveOnly)
        {
            conditions.Add("h.resolved_at IS NULL");
        }

        if (filter.Severities.Count > 0)
        {
            conditions.Add("h.severity = ANY(@Severities)");
            parameters.Add("Severities", filter.Severities.ToArray());
        }

        if (filter.Statuses.Count > 0)
        {
            conditions.Add("h.status = ANY(@Statuses)");
            parameters.Add("Statuses", filter.Statuses.ToArray());
        }

        if (filter.NodeIds is { } nodeIds)
        {
            conditions.Add("h.node_id = ANY(@NodeIds)");
            parameters.Add("NodeIds", nodeIds.ToArray());
        }

        if (filter.From is { } from)
        {
            conditions.Add("h.triggered_at >= @From");
            parameters.Add("From", from);
        }

        if (filter.To is { } to)
        {
            conditions.Add("h.triggered_at < @To");
            parameters.Add("To", to);
        }

        return (conditions, parameters);
    }
}
