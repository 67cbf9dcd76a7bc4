namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>A user's profile as loaded for authentication: the source of their role and scope.</summary>
public sealed record UserProfile(
    Guid Id, string Email, string DisplayName, Role Role, string Plan, Guid? DistributorId, Guid? CustomerId, bool IsActive)
{
    public TenantScope Scope => Role switch
    {
        Role.Superadmin => TenantScope.Everything,
        Role.Distributor when DistributorId is { } distributor => TenantScope.OfDistributor(distributor),
        Role.Customer when DistributorId is { } distributor && CustomerId is { } customer => TenantScope.OfCustomer(distributor, customer),
        _ => TenantScope.Nothing,
    };
}
