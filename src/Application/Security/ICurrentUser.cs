using EvaraTech.Domain;

namespace EvaraTech.Application.Security;

/// <summary>
/// Who is calling, as the database knows them: the profile is loaded on every request, so a role change or a
/// deactivation takes effect on the very next one.
/// </summary>
public interface ICurrentUser
{
    bool IsAuthenticated { get; }

    /// <summary>The platform's own work (jobs, webhooks): full scope, no user.</summary>
    bool IsSystem { get; }

    Guid? UserId { get; }

    string? Email { get; }

    Role? Role { get; }

    TenantScope Scope { get; }

    /// <summary>Turns this scope into the platform's own work (jobs, event handlers, verified webhooks).</summary>
    void ActAsSystem();
}
