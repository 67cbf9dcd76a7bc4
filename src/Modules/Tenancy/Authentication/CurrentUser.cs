namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>The request's caller, filled once the token is validated and the profile loaded from the database.</summary>
public sealed class CurrentUser : ICurrentUser
{
    public UserProfile? Profile { get; private set; }

    public bool IsAuthenticated => Profile is not null;

    public bool IsSystem { get; private set; }

    public Guid? UserId => Profile?.Id;

    public string? Email => Profile?.Email;

    public Role? Role => Profile?.Role;

    public TenantScope Scope => IsSystem ? TenantScope.Everything : Profile?.Scope ?? TenantScope.Nothing;

    public void SignIn(UserProfile profile) => Profile = profile;

    /// <summary>For the platform's own work in this scope (jobs, verified webhooks): full scope, no user.</summary>
    public void ActAsSystem() => IsSystem = true;
}
