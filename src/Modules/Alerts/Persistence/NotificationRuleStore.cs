using System.Text.Json;
using System.Text.Json.Serialization;
using Dapper;
using EvaraTech.Modules.Alerts.Domain;

namespace EvaraTech.Modules.Alerts.Persistence;

/// <summary>A channel as the API shows it: a webhook's secret never leaves the server.</summary>
public sealed record NotificationChannelView(string Type, string? Url, string? Address, bool HasSecret, string? Number);

/// <summary>A notification rule as the API shows it: its node filter's criteria are null where not given.</summary>
public sealed record NotificationRuleDto(
    Guid Id, Guid UserId, string SeverityMin, IReadOnlyList<Guid>? NodeIds, IReadOnlyList<string>? Categories, IReadOnlyList<Guid>? CommunityIds,
    IReadOnlyList<Guid>? TagIds, IReadOnlyList<NotificationChannelView> Channels, int RepeatIntervalMinutes, bool IsEnabled, long Version, DateTime CreatedAt,
    DateTime UpdatedAt) : IAuditedResource
{
    [JsonIgnore]
    public Guid? OwnerDistributorId => null;
}

/// <summary>A rule as fan-out reads it, channels in full.</summary>
public sealed record StoredNotificationRule(
    Guid Id, Guid UserId, string SeverityMin, NodeFilter Filter, IReadOnlyList<NotificationChannel> Channels, int RepeatIntervalMinutes);

/// <summary>
/// <c>alerts.alert_notification_rules</c>: each user's own rules (every statement names the user; row-level security
/// enforces the same), versioned for If-Match. Channels are stored as JSON: <c>[{"type":"webhook","url":…,"secret":…}]</c>.
/// </summary>
public sealed class NotificationRuleStore(DbSession db)
{
    public const string Resource = "Notification rule";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private const string Columns = """
        id, user_id AS UserId, severity_min AS SeverityMin, node_filter::text AS NodeFilter, notification_channels::text AS Channels,
        repeat_interval_minutes AS RepeatIntervalMinutes, is_enabled AS IsEnabled, version, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    private const string Insert = $"""
        INSERT INTO alerts.alert_notification_rules (id, user_id, severity_min, node_filter, notification_channels, repeat_interval_minutes, is_enabled)
        VALUES (@Id, @UserId, @SeverityMin, @NodeFilter::jsonb, @Channels::jsonb, @RepeatIntervalMinutes, @IsEnabled)
        RETURNING {Columns}
        """;

    private const string Update = $"""
        UPDATE alerts.alert_notification_rules
        SET severity_min = @SeverityMin, node_filter = @NodeFilter::jsonb, notification_channels = @Channels::jsonb,
            repeat_interval_minutes = @RepeatIntervalMinutes, is_enabled = @IsEnabled, version = version + 1, updated_at = now()
        WHERE id = @Id AND user_id = @UserId AND version = @ExpectedVersion
        RETURNING {Columns}
        """;

    private const string Delete = $"DELETE FROM alerts.alert_notification_rules WHERE id = @Id AND user_id = @UserId AND version = @ExpectedVersion RETURNING {Columns}";

    private const string One = $"SELECT {Columns} FROM alerts.alert_notification_rules WHERE id = @Id AND user_id = @UserId";

    private const string OfUser = $"""
        SELECT count(*) FROM alerts.alert_notification_rules WHERE user_id = @UserId;
        SELECT {Columns} FROM alerts.alert_notification_rules WHERE user_id = @UserId ORDER BY created_at DESC, id DESC LIMIT @Limit OFFSET @Offset;
        """;

    private const string ById = $"SELECT {Columns} FROM alerts.alert_notification_rules WHERE id = @Id";

    private const string Reached = $"""
        SELECT {Columns} FROM alerts.alert_notification_rules
        WHERE is_enabled AND severity_min = ANY(@Severities) AND user_id = ANY(@Users)
        """;

    /// <summary>The values a rule is written with.</summary>
    public sealed record Values(string SeverityMin, NodeFilter Filter, IReadOnlyList<NotificationChannel> Channels, int RepeatIntervalMinutes,
        bool IsEnabled);

    public async Task<NotificationRuleDto> InsertAsync(Guid userId, Values values, CancellationToken ct) =>
        (await QueryAsync(Insert, Parameters(Guid.CreateVersion7(), userId, values), ct)).Single().ToDto();

    public async Task<NotificationRuleDto> UpdateAsync(Guid id, Guid userId, long expectedVersion, Values values, CancellationToken ct)
    {
        var parameters = Parameters(id, userId, values);
        parameters.Add("ExpectedVersion", expectedVersion);
        var updated = (await QueryAsync(Update, parameters, ct)).SingleOrDefault()?.ToDto();
        return await VersionedWrites.EnsureAppliedAsync(updated, async () => await FindAsync(id, userId, ct) is not null, Resource);
    }

    public async Task<NotificationRuleDto> DeleteAsync(Guid id, Guid userId, long expectedVersion, CancellationToken ct)
    {
        var deleted = (await QueryAsync(Delete, new { Id = id, UserId = userId, ExpectedVersion = expectedVersion }, ct)).SingleOrDefault()?.ToDto();
        return await VersionedWrites.EnsureAppliedAsync(deleted, async () => await FindAsync(id, userId, ct) is not null, Resource);
    }

    public async Task<NotificationRuleDto?> FindAsync(Guid id, Guid userId, CancellationToken ct) =>
        (await QueryAsync(One, new { Id = id, UserId = userId }, ct)).SingleOrDefault()?.ToDto();

    public async Task<Page<NotificationRuleDto>> ListAsync(Guid userId, PageRequest page, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(OfUser,
            new { UserId = userId, page.Limit, page.Offset }, db.Transaction, cancellationToken: ct));
        var total = await results.ReadSingleAsync<long>();
        var items = (await results.ReadAsync<RuleRow>()).Select(r => r.ToDto()).ToList();
        return new Page<NotificationRuleDto>(items, total, page.Page, page.Limit);
    }

    /// <returns>the enabled rules of <paramref name="userIds"/> that an alert of <paramref name="severity"/> reaches (fan-out: the platform's own work)</returns>
    public async Task<IReadOnlyList<StoredNotificationRule>> ReachedByAsync(string severity, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        string[] minimums = [.. Severities.All.Where(m => Severities.Reaches(severity, m))];
        return [.. (await QueryAsync(Reached, new { Severities = minimums, Users = userIds.ToArray() }, ct)).Select(r => r.ToStored())];
    }

    /// <returns>the rule with its channels in full, whoever owns it (delivery: the platform's own work)</returns>
    public async Task<StoredNotificationRule?> StoredAsync(Guid id, CancellationToken ct) =>
        (await QueryAsync(ById, new { Id = id }, ct)).SingleOrDefault()?.ToStored();

    private async Task<IEnumerable<RuleRow>> QueryAsync(string sql, object parameters, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await connection.QueryAsync<RuleRow>(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct));
    }

    private static DynamicParameters Parameters(Guid id, Guid userId, Values values)
    {
        var parameters = new DynamicParameters();
        parameters.Add("Id", id);
        parameters.Add("UserId", userId);
        parameters.Add("SeverityMin", values.SeverityMin);
        parameters.Add("NodeFilter", values.Filter.IsEverything ? null : JsonSerializer.Serialize(values.Filter, Json));
        parameters.Add("Channels", JsonSerializer.Serialize(values.Channels.Select(StoredChannel.From), Json));
        parameters.Add("RepeatIntervalMinutes", values.RepeatIntervalMinutes);
        parameters.Add("IsEnabled", values.IsEnabled);
        return parameters;
    }

    private sealed record StoredChannel(string Type, string? Url, string? Secret, string? Address, string? Number = null)
    {
        public static StoredChannel From(NotificationChannel channel) => channel switch
        {
            WebhookChannel webhook => new StoredChannel(webhook.Type, webhook.Url, webhook.Secret, null),
            EmailChannel email => new StoredChannel(email.Type, null, null, email.Address),
            SmsChannel sms => new StoredChannel(sms.Type, null, null, null, sms.Number),
            _ => throw new InvalidOperationException($"Unknown channel {channel.Type}."),
        };

        public NotificationChannel ToChannel() => Type switch
        {
            WebhookChannel.Kind => new WebhookChannel(Url!, Secret!),
            SmsChannel.Kind => new SmsChannel(Number!),
            _ => new EmailChannel(Address),
        };
    }

    private sealed record RuleRow(
        Guid Id, Guid UserId, string SeverityMin, string? NodeFilter, string Channels, int RepeatIntervalMinutes, bool IsEnabled, long Version,
        DateTime CreatedAt, DateTime UpdatedAt)
    {
        private IReadOnlyList<StoredChannel> StoredChannels => JsonSerializer.Deserialize<List<StoredChannel>>(Channels, Json)!;

        /// <remarks>Rules stored before categories, communities and tags were filters hold node ids alone: read the same.</remarks>
        private NodeFilter Filter => NodeFilter is null ? new NodeFilter() : JsonSerializer.Deserialize<NodeFilter>(NodeFilter, Json)!;

        public NotificationRuleDto ToDto() => new(Id, UserId, SeverityMin, Filter.NodeIds, Filter.Categories, Filter.CommunityIds, Filter.TagIds,
            [.. StoredChannels.Select(c => new NotificationChannelView(c.Type, c.Url, c.Address, c.Secret is not null, c.Number))], RepeatIntervalMinutes, IsEnabled, Version,
            CreatedAt, UpdatedAt);

        public StoredNotificationRule ToStored() => new(Id, UserId, SeverityMin, Filter, [.. StoredChannels.Select(c => c.ToChannel())], RepeatIntervalMinutes);
    }
}
