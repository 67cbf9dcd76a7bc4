namespace EvaraTech.Domain;

/// <summary>Which part of the tenant hierarchy a caller may see.</summary>
public enum ScopeKind
{
    /// <summary>No tenant at all (an unassigned user): sees nothing.</summary>
    Nothing,

    /// <summary>Superadmins and the platform's own jobs.</summary>
    Everything,

    /// <summary>A distributor's subtree: its communities, their customers and everything they own.</summary>
    Distributor,

    /// <summary>One customer's own rows.</summary>
    Customer,
}

/// <summary>
/// The caller's place in the hierarchy. Every tenant-scoped row stores its ownership path (distributor id, and
/// customer id where a customer owns it), so a scope is checked by comparing those two columns.
/// </summary>
public sealed record TenantScope(ScopeKind Kind, Guid? DistributorId, Guid? CustomerId)
{
    public static readonly TenantScope Everything = new(ScopeKind.Everything, null, null);

    public static readonly TenantScope Nothing = new(ScopeKind.Nothing, null, null);

    public static TenantScope OfDistributor(Guid distributorId) => new(ScopeKind.Distributor, distributorId, null);

    public static TenantScope OfCustomer(Guid distributorId, Guid customerId) => new(ScopeKind.Customer, distributorId, customerId);

    /// <summary>Whether a row owned along this path is visible: the same rule as the database's <c>tenancy.in_scope</c>.</summary>
    public bool Contains(Guid? ownerDistributorId, Guid? ownerCustomerId) => Kind switch
    {
        ScopeKind.Everything => true,
        ScopeKind.Distributor => ownerDistributorId is not null && ownerDistributorId == DistributorId,
        ScopeKind.Customer => ownerCustomerId is not null && ownerCustomerId == CustomerId,
        _ => false,
    };
}
