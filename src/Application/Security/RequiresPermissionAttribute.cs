namespace EvaraTech.Application.Security;

/// <summary>The permission a message needs. Every message states one, or is marked <see cref="AnonymousAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresPermissionAttribute(string permission) : Attribute
{
    public string Permission { get; } = permission;
}

/// <summary>A message anyone may send (login, signed webhooks): it must authenticate the sender itself.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AnonymousAttribute : Attribute;

/// <summary>A message any signed-in user may send, whatever their role (for example "who am I").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class AuthenticatedAttribute : Attribute;
