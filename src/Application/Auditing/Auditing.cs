using System.Text.Json.Nodes;

namespace EvaraTech.Application.Auditing;

/// <summary>The audit trail's action types (seed 000).</summary>
public enum AuditAction
{
    Create,
    Update,
    Delete,
    Access,
    Authenticate,
}

/// <summary>One audit record; who, from where and under which request id is filled in by the trail.</summary>
public sealed record AuditEntry(
    AuditAction Action,
    string ResourceType,
    string? ResourceId,
    JsonObject Metadata,
    Guid? ResourceDistributorId = null,
    Guid? UserId = null,
    DateTimeOffset? OccurredAt = null,
    Guid? EntryId = null);

/// <summary>Writes audit records. Implemented by the Audit module; the pipeline and other modules only see this.</summary>
public interface IAuditTrail
{
    /// <summary>In the current unit of work: the record exists exactly when the change commits.</summary>
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);

    /// <summary>In a transaction of its own, for reads (which never commit) and failures (which roll back).</summary>
    Task RecordDetachedAsync(AuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>
/// What a command changed, told by its handler when it knows more than the pipeline can see (the state before an
/// update or a delete). Scoped to the request.
/// </summary>
public sealed class AuditContext
{
    public object? Before { get; private set; }

    public Guid? ResourceDistributorId { get; private set; }

    public void Changing(object before, Guid? resourceDistributorId)
    {
        Before = before;
        ResourceDistributorId = resourceDistributorId;
    }

    /// <summary>The distributor whose subtree the resource belongs to, when the result does not say.</summary>
    public void Owner(Guid? resourceDistributorId) => ResourceDistributorId = resourceDistributorId;
}

/// <summary>A command the pipeline must not audit because it is recorded otherwise (authentication events).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AuditedElsewhereAttribute : Attribute;
