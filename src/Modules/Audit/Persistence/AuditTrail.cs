using Dapper;
using Microsoft.AspNetCore.Http;
using Npgsql;

namespace EvaraTech.Modules.Audit.Persistence;

/// <summary>
/// Writes audit rows: who (the caller, or the entry's own user), from where (address, user agent), under which
/// request id (the trace id). Inserting is the only thing the application's role may do to the table.
/// </summary>
public sealed class AuditTrail(DbSession db, NpgsqlDataSource dataSource, ICurrentUser user, IHttpContextAccessor http, TimeProvider clock) : IAuditTrail
{
    // Idempotent: an event redelivered by the outbox sweeper carries the same id and time, and is stored once.
    private const string Insert = """
        INSERT INTO audit.audit_logs (id, "timestamp", action_type, resource_type, resource_id, user_id,
                                      actor_distributor_id, resource_distributor_id, ip_address, user_agent, request_id, metadata)
        VALUES (@Id, @Timestamp, @Action, @ResourceType, @ResourceId, @UserId,
                @ActorDistributorId, @ResourceDistributorId, @IpAddress::inet, @UserAgent, @RequestId, @Metadata::jsonb)
        ON CONFLICT (id, "timestamp") DO NOTHING
        """;

    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, Row(entry), db.Transaction, cancellationToken: cancellationToken));
    }

    public async Task RecordDetachedAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(Insert, Row(entry), cancellationToken: cancellationToken));
    }

    private object Row(AuditEntry entry)
    {
        var context = http.HttpContext;
        return new
        {
            Id = entry.EntryId ?? Guid.CreateVersion7(),
            Timestamp = entry.OccurredAt ?? clock.GetUtcNow(),
            Action = entry.Action.ToString().ToUpperInvariant(),
            entry.ResourceType,
            entry.ResourceId,
            UserId = entry.UserId ?? user.UserId,
            ActorDistributorId = user.Scope.Kind is ScopeKind.Distributor or ScopeKind.Customer ? user.Scope.DistributorId : null,
            entry.ResourceDistributorId,
            IpAddress = context?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = context?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 500)] : null,
            RequestId = context?.TraceIdentifier,
            Metadata = entry.Metadata.ToJsonString(),
        };
    }
}
