using System.Reflection;
using EvaraTech.Application.Auditing;
using Mediator;

namespace EvaraTech.Application.Behaviours;

/// <summary>
/// Writes exactly one audit record for every state-changing command that succeeds, inside its transaction (so a
/// command that fails leaves none). Runs inside the unit of work. Action and resource come from the command's
/// name (<c>CreateCommunityCommand</c> → CREATE community), the resource id from the result or the command's
/// <c>Id</c>, the metadata from the state (create, delete) or the change (update).
/// </summary>
public sealed class AuditBehaviour<TMessage, TResponse>(IAuditTrail trail, AuditContext context) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly Description? Described = Describe(typeof(TMessage));
    private static readonly PropertyInfo? MessageId = typeof(TMessage).GetProperty("Id");

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var response = await next(message, cancellationToken);
        if (Described is not { } description)
        {
            return response;
        }

        object? result = response is Unit ? null : response;
        var resource = (result ?? context.Before) as IAuditedResource;
        var resourceId = resource?.Id ?? MessageId?.GetValue(message);
        var metadata = AuditMetadata.For(description.Action, context.Before, result, message);

        await trail.RecordAsync(new AuditEntry(description.Action, description.ResourceType, resourceId?.ToString(), metadata,
            resource?.OwnerDistributorId), cancellationToken);
        return response;
    }

    private sealed record Description(AuditAction Action, string ResourceType);

    private static Description? Describe(Type messageType)
    {
        if (!typeof(IBaseCommand).IsAssignableFrom(messageType) || messageType.GetCustomAttribute<AuditedElsewhereAttribute>() is not null)
        {
            return null;
        }

        var name = messageType.Name.EndsWith("Command", StringComparison.Ordinal) ? messageType.Name[..^"Command".Length] : messageType.Name;
        foreach (var (verb, action) in new[] { ("Create", AuditAction.Create), ("Update", AuditAction.Update), ("Delete", AuditAction.Delete) })
        {
            if (name.StartsWith(verb, StringComparison.Ordinal))
            {
                return new Description(action, SnakeCase(name[verb.Length..]));
            }
        }

        return new Description(AuditAction.Update, SnakeCase(name));
    }

    private static string SnakeCase(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
