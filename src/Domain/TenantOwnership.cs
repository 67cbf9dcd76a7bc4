namespace EvaraTech.Domain;

/// <summary>The level of the tenant hierarchy that owns a resource: the type says which one of the owner's keys (distributor, community, customer) a row sets.</summary>
public enum TenantType
{
    Distributor,
    Community,
    Customer,
}

/// <summary>
/// A tenant and its place in the hierarchy: the owner itself and the path above it. A resource owned by this tenant
/// stores the path, so scope checks compare columns instead of walking the hierarchy.
/// </summary>
public sealed record TenantPath(TenantType Type, Guid TenantId, Guid DistributorId, Guid? CommunityId, Guid? CustomerId);
