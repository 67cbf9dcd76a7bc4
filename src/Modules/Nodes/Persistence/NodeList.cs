using System.Globalization;
using System.Text;
using System.Text.Json;
using Dapper;

namespace EvaraTech.Modules.Nodes.Persistence;

/// <summary>The filters of <c>GET /nodes</c>, already validated.</summary>
public sealed record NodeFilter(
    IReadOnlyList<string> Statuses,
    IReadOnlyList<string> Categories,
    string? AnalyticsType,
    Guid? CommunityId,
    string? TagName,
    string? TagValue,
    string? Search);

/// <summary>A page of nodes: offset pages carry a total; both kinds carry the cursor of the page after.</summary>
public sealed record NodePage(IReadOnlyList<NodeSummary> Items, long? Total, string? NextCursor);

/// <summary>
/// <c>GET /nodes</c> in SQL: only the predicates of the filters given (so each plan can use its index), the sort from
/// a whitelist, and keyset pages over <c>(sort key, id)</c>. The statement text comes from constants only.
/// </summary>
public sealed class NodeList(DbSession db)
{
    public const string DefaultSort = "-created_at";

    /// <summary>Sortable keys and their expressions; last_seen sorts never-seen nodes as the oldest.</summary>
    public static readonly IReadOnlyDictionary<string, SortKey> SortKeys = new Dictionary<string, SortKey>(StringComparer.Ordinal)
    {
        ["created_at"] = new("n.created_at", SortKeyKind.Timestamp),
        ["label"] = new("n.label", SortKeyKind.Text),
        ["status"] = new("s.status", SortKeyKind.Text),
        ["last_seen"] = new("coalesce(s.last_seen, '-infinity'::timestamptz)", SortKeyKind.Timestamp),
    };

    private const string From = "FROM nodes.nodes n JOIN nodes.node_operational_state s ON s.node_id = n.id";

    private const string TagPredicate = """
        EXISTS (SELECT 1 FROM nodes.device_tag_assignments a JOIN nodes.device_tags t ON t.id = a.tag_id
                WHERE a.node_id = n.id AND t.tag_name = @TagName AND t.tag_value = @TagValue)
        """;

    public async Task<NodePage> ListAsync(TenantScope scope, NodeFilter filter, string? sort, int limit, int? offset, string? cursor, CancellationToken ct)
    {
        var (sql, parameters) = Build(scope, filter, sort, limit, offset, cursor);
        var connection = await db.ConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct));
        long? total = offset is null ? null : await results.ReadSingleAsync<long>();
        var rows = (await results.ReadAsync<NodeSummary>()).ToList();
        var more = rows.Count > limit;
        var items = more ? rows[..limit] : rows;
        return new NodePage(items, total, more ? Cursor.After(items[^1], sort ?? DefaultSort) : null);
    }

    /// <summary>The statement and parameters of one page; the plan tests and the benchmark run exactly this.</summary>
    internal static (string Sql, DynamicParameters Parameters) Build(TenantScope scope, NodeFilter filter, string? sort, int limit, int? offset, string? cursor)
    {
        var requested = sort ?? DefaultSort;
        var descending = requested.StartsWith('-');
        var key = SortKeys[requested.TrimStart('-')];
        var parameters = ScopeFilter.Parameters(scope, new { Limit = limit + 1, Offset = offset ?? 0 });
        var where = new List<string> { ScopeFilter.Sql(scope, NodeOwnership.Columns) };
        if (filter.Statuses.Count > 0)
        {
            where.Add("s.status = ANY(@Statuses)");
            parameters.Add("Statuses", filter.Statuses.ToArray());
        }

        if (filter.Categories.Count > 0)
        {
            where.Add("n.category = ANY(@Categories)");
            parameters.Add("Categories", filter.Categories.ToArray());
        }

        if (filter.AnalyticsType is not null)
        {
            where.Add("n.analytics_type = @AnalyticsType");
            parameters.Add("AnalyticsType", filter.AnalyticsType);
        }

        if (filter.CommunityId is not null)
        {
            where.Add("n.owner_community_id = @CommunityId");
            parameters.Add("CommunityId", filter.CommunityId);
        }

        if (filter.TagName is not null)
        {
            where.Add(TagPredicate);
            parameters.Add("TagName", filter.TagName);
            parameters.Add("TagValue", filter.TagValue);
        }

        if (filter.Search is not null)
        {
            where.Add("n.search_text LIKE @Search");
            parameters.Add("Search", "%" + EscapeLike(filter.Search.ToLowerInvariant()) + "%");
        }

        var countWhere = string.Join(" AND ", where);
        if (cursor is not null)
        {
            var position = Cursor.Read(cursor, requested, key.Kind);
            where.Add($"({key.Expression}, n.id) {(descending ? "<" : ">")} (@CursorKey, @CursorId)");
            parameters.Add("CursorKey", position.Key);
            parameters.Add("CursorId", position.Id);
        }

        var direction = descending ? "DESC" : "ASC";
        var page = new StringBuilder();
        if (offset is not null)
        {
            page.AppendLine(CultureInfo.InvariantCulture, $"SELECT count(*) {From} WHERE {countWhere};");
        }

        page.AppendLine(CultureInfo.InvariantCulture, $"SELECT {NodeReads.SummaryColumns} {From} WHERE {string.Join(" AND ", where)}");
        page.AppendLine(CultureInfo.InvariantCulture, $"ORDER BY {key.Expression} {direction}, n.id {direction}");
        page.Append(offset is null ? "LIMIT @Limit" : "LIMIT @Limit OFFSET @Offset");
        return (page.ToString(), parameters);
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    public enum SortKeyKind
    {
        Timestamp,
        Text,
    }

    public sealed record SortKey(string Expression, SortKeyKind Kind);

    /// <summary>
    /// An opaque keyset position: the sort it belongs to, the last row's sort key and id (base64url JSON). A cursor
    /// from another sort, or one that does not decode, is refused rather than silently restarting.
    /// </summary>
    public static class Cursor
    {
        public static string After(NodeSummary last, string sort)
        {
            var key = sort.TrimStart('-') switch
            {
                "created_at" => last.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
                "label" => last.Label,
                "status" => last.Status,
                _ => (last.LastSeen ?? DateTime.MinValue).ToString("O", CultureInfo.InvariantCulture),
            };
            var json = JsonSerializer.SerializeToUtf8Bytes(new Position(sort, key, last.Id));
            return Convert.ToBase64String(json).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        }

        public static (object Key, Guid Id) Read(string cursor, string sort, SortKeyKind kind)
        {
            return TryRead(cursor, sort, kind) ?? throw new InvalidOperationException("The cursor was not validated.");
        }

        /// <summary>Whether a client's cursor belongs to this list under <paramref name="sort"/>.</summary>
        public static bool Matches(string cursor, string sort) =>
            SortKeys.TryGetValue(sort.TrimStart('-'), out var key) && TryRead(cursor, sort, key.Kind) is not null;

        private static (object Key, Guid Id)? TryRead(string cursor, string sort, SortKeyKind kind)
        {
            if (TryDecode(cursor) is not { } position || position.Sort != sort || position.Key is null)
            {
                return null;
            }

            if (kind == SortKeyKind.Text)
            {
                return (position.Key, position.Id);
            }

            // Never-seen nodes sort as '-infinity', which DateTime.MinValue stands for in Npgsql.
            return DateTime.TryParse(position.Key, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var timestamp)
                ? (DateTime.SpecifyKind(timestamp, DateTimeKind.Utc), position.Id)
                : null;
        }

        private static Position? TryDecode(string cursor)
        {
            try
            {
                var base64 = cursor.Replace('-', '+').Replace('_', '/');
                base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
                return JsonSerializer.Deserialize<Position>(Convert.FromBase64String(base64));
            }
            catch (Exception ex) when (ex is FormatException or JsonException)
            {
                return null;
            }
        }

        private sealed record Position(string Sort, string? Key, Guid Id);
    }
}
