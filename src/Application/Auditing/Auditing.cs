using System.Text.Json.Nodes;

namespace EvaraTech.Application.Auditing;

/// <summary>The audit trail's action types (audit.audit_logs.action_type).</summary>
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

/// <summary>A resource the trail can name: its id, and the distributor whose subtree it belongs to (if any).</summary>
public interface IAuditedResource
{
    Guid Id { get; }

    Guid? OwnerDistributorId { get; }
}

/// <summary>
/// The state before an update or a delete, told by the command's handler (the pipeline only sees the result).
/// Scoped to the request.
/// </summary>
public sealed class AuditContext
{
    public object? Before { get; private set; }

    public void Changing(object before) => Before = before;

    /// <summary>A command sent by another (a batch's item) starts without the state its predecessor saw.</summary>
    public void Clear() => Before = null;
}

/// <summary>
/// What the pipeline records when the command succeeds: the action, the type of resource it acts on, and for commands
/// that are one operation among several on that resource (moving a node, acknowledging an alert), which one.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AuditedAttribute(AuditAction action, string resourceType) : Attribute
{
    public AuditAction Action { get; } = action;

    public string ResourceType { get; } = resourceType;

    /// <summary>Recorded in the row's metadata as <c>operation</c>.</summary>
    public string? Operation { get; init; }
}

/// <summary>A command the pipeline must not audit because it is recorded otherwise (authentication events).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AuditedElsewhereAttribute : Attribute;
