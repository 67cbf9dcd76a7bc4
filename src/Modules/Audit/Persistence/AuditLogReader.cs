using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;

namespace EvaraTech.Modules.Audit.Persistence;

public sealed record AuditLogDto(
    Guid Id, DateTime Timestamp, string ActionType, string ResourceType, string? ResourceId, Guid? UserId,
    string? IpAddress, string? UserAgent, string? RequestId, string Metadata);

/// <summary>Filters of the audit trail; all optional, combined with AND.</summary>
public sealed record AuditLogFilter(Guid? UserId, string? ResourceType, string? ResourceId, string? ActionType, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>
/// Reads the trail newest first, keyset-paged over (timestamp, id), within the caller's scope: a distributor sees
/// what its subtree's users did and what was done to its subtree's resources.
/// </summary>
public sealed class AuditLogReader(DbSession db)
{
    private static readonly Ownership ActorOwnership = new("a.actor_distributor_id", "NULL");
    private static readonly Ownership ResourceOwnership = new("a.resource_distributor_id", "NULL");

    private const string Columns = """
        a.id, a."timestamp", a.action_type AS ActionType, a.resource_type AS ResourceType, a.resource_id AS ResourceId,
        a.user_id AS UserId, host(a.ip_address) AS IpAddress, a.user_agent AS UserAgent, a.request_id AS RequestId,
        a.metadata::text AS Metadata
        """;

    private const string Where = """
        (@UserId::uuid IS NULL OR a.user_id = @UserId)
        AND (@ResourceType::text IS NULL OR a.resource_type = @ResourceType)
        AND (@ResourceId::text IS NULL OR a.resource_id = @ResourceId)
        AND (@ActionType::text IS NULL OR a.action_type = @ActionType)
        AND (@From::timestamptz IS NULL OR a."timestamp" >= @From)
        AND (@To::timestamptz IS NULL OR a."timestamp" < @To)
        """;

    public async Task<(IReadOnlyList<AuditLogDto> Items, string? NextCursor)> PageAsync(
        TenantScope scope, AuditLogFilter filter, string? cursor, int limit, CancellationToken ct)
    {
        var parameters = Parameters(scope, filter);
        var (afterTime, afterId) = Cursor.Decode(cursor);
        parameters.Add("AfterTime", afterTime);
        parameters.Add("AfterId", afterId);
        parameters.Add("Limit", limit + 1);
        var sql = $"""
            SELECT {Columns} FROM audit.audit_logs a
            WHERE {Scope(scope)} AND {Where}
              AND (@AfterTime::timestamptz IS NULL OR (a."timestamp", a.id) < (@AfterTime, @AfterId))
            ORDER BY a."timestamp" DESC, a.id DESC
            LIMIT @Limit
            """;
        var rows = (await (await db.ConnectionAsync(ct)).QueryAsync<AuditLogDto>(new CommandDefinition(sql, parameters, db.Transaction, cancellationToken: ct))).ToList();
        var hasMore = rows.Count > limit;
        var page = hasMore ? rows[..limit] : rows;
        return (page, hasMore ? Cursor.Encode(page[^1].Timestamp, page[^1].Id) : null);
    }

    /// <summary>Every matching row, streamed from the server as it is read: nothing is buffered whole.</summary>
    public async IAsyncEnumerable<AuditLogDto> StreamAsync(TenantScope scope, AuditLogFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var sql = $"""
            SELECT {Columns} FROM audit.audit_logs a
            WHERE {Scope(scope)} AND {Where}
            ORDER BY a."timestamp" DESC, a.id DESC
            """;
        var connection = await db.ConnectionAsync(ct);
        await foreach (var row in connection.QueryUnbufferedAsync<AuditLogDto>(sql, Parameters(scope, filter), db.Transaction).WithCancellation(ct))
        {
            yield return row;
        }
    }

    /// <summary>A distributor sees what its users did and what was done to its resources; customers see no audit trail.</summary>
    private static string Scope(TenantScope scope) =>
        $"({ScopeFilter.Sql(scope, ActorOwnership)} OR {ScopeFilter.Sql(scope, ResourceOwnership)})";

    private static DynamicParameters Parameters(TenantScope scope, AuditLogFilter filter)
    {
        return ScopeFilter.Parameters(scope, filter);
    }

    /// <summary>An opaque keyset cursor over the unique (timestamp, id) sort key.</summary>
    public static class Cursor
    {
        public static string Encode(DateTime timestamp, Guid id) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{timestamp.Ticks.ToString(CultureInfo.InvariantCulture)}:{id}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (DateTime? Time, Guid? Id) Decode(string? cursor)
        {
            if (string.IsNullOrEmpty(cursor))
            {
                return (null, null);
            }

            return TryDecode(cursor, out var time, out var id) ? (time, id) : throw new FormatException("Malformed cursor.");
        }

        public static bool IsValid(string? cursor) => cursor is null || TryDecode(cursor, out _, out _);

        private static bool TryDecode(string cursor, out DateTime time, out Guid id)
        {
            time = default;
            id = default;
            try
            {
                var padded = cursor.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - (padded.Length % 4)) % 4);
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
                if (parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var ticks) && Guid.TryParse(parts[1], out id)
                    && ticks is > 0 and < 3155378975999999999)
                {
                    time = new DateTime(ticks, DateTimeKind.Utc);
                    return true;
                }
            }
            catch (FormatException)
            {
                return false;
            }

            return false;
        }
    }
}
