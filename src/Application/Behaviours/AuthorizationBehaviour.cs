using System.Reflection;
using EvaraTech.Application.Errors;
using EvaraTech.Application.Security;
using Mediator;

namespace EvaraTech.Application.Behaviours;

/// <summary>
/// The one place permissions are checked: the message's <see cref="RequiresPermissionAttribute"/> against the
/// caller's role from the database. A message that declares nothing is refused (deny by default).
/// </summary>
public sealed class AuthorizationBehaviour<TMessage, TResponse>(ICurrentUser user) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private static readonly Requirement Required = RequirementOf(typeof(TMessage));

    public ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        if (Required.Anonymous || user.IsSystem)
        {
            return next(message, cancellationToken);
        }

        if (!user.IsAuthenticated || user.Role is not { } role)
        {
            throw new AppException(ErrorKind.Unauthorized, ErrorCodes.Unauthorized, "Authentication is required: send a valid bearer token.");
        }

        if (Required.Permission is { } permission && !Permissions.Has(role, permission))
        {
            throw new AppException(ErrorKind.Forbidden, ErrorCodes.Forbidden, $"Missing permission: {permission}.");
        }

        return next(message, cancellationToken);
    }

    private sealed record Requirement(bool Anonymous, string? Permission);

    private static Requirement RequirementOf(Type messageType)
    {
        if (messageType.GetCustomAttribute<AnonymousAttribute>() is not null)
        {
            return new Requirement(true, null);
        }

        if (messageType.GetCustomAttribute<AuthenticatedAttribute>() is not null)
        {
            return new Requirement(false, null);
        }

        return messageType.GetCustomAttribute<RequiresPermissionAttribute>() is { } required
            ? new Requirement(false, required.Permission)
            : throw new InvalidOperationException(
                $"{messageType.Name} declares no permission: mark it [RequiresPermission], [Authenticated] or [Anonymous].");
    }
}
