using System.Reflection;
using EvaraTech.Application.Auditing;
using Mediator;

namespace EvaraTech.Application.Behaviours;

/// <summary>
/// Writes exactly one audit record for every state-changing command that succeeds, inside its transaction (so a
/// command that fails leaves none). Runs inside the unit of work. Action and resource type are declared on the command
/// (<see cref="AuditedAttribute"/>); the resource id comes from the result or the command's <c>Id</c>, the metadata
/// from the state (create, delete) or the change (update).
/// </summary>
public sealed class AuditBehaviour<TMessage, TResponse>(IAuditTrail trail, AuditContext context) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly AuditedAttribute? Declared = typeof(TMessage).GetCustomAttribute<AuditedAttribute>();
    private static readonly PropertyInfo? MessageId = typeof(TMessage).GetProperty("Id");

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (Declared is not { } declared)
        {
            return await next(message, cancellationToken);
        }

        context.Clear();
        var response = await next(message, cancellationToken);
        object? result = response is Unit ? null : response;
        var resource = (result ?? context.Before) as IAuditedResource;
        var resourceId = resource?.Id ?? MessageId?.GetValue(message);
        var metadata = AuditMetadata.For(declared.Action, context.Before, result, message);
        if (declared.Operation is { } operation)
        {
            metadata["operation"] = operation;
        }

        await trail.RecordAsync(new AuditEntry(declared.Action, declared.ResourceType, resourceId?.ToString(), metadata,
            resource?.OwnerDistributorId), cancellationToken);
        return response;
    }
}
