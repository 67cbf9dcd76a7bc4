namespace EvaraTech.Modules.Nodes.Domain;

/// <summary>
/// Who owns a node: exactly one tenant, of the level <see cref="Type"/> names. The keys a client sends must agree
/// with the type (a community-owned node names a community and nothing else).
/// </summary>
public sealed record TenantOwner(TenantType Type, Guid TenantId)
{
    /// <summary>The owner named by a tenant type and the three optional keys of nodes.nodes (exactly one of them is set).</summary>
    public static TenantOwner From(TenantType? type, Guid? distributorId, Guid? communityId, Guid? customerId)
    {
        if (type is null)
        {
            throw new DomainRuleViolation("INVALID_OWNER", "tenantType is distributor, community or customer.", "tenantType");
        }

        var keys = new (TenantType Type, Guid? Id, string Field)[]
        {
            (TenantType.Distributor, distributorId, "distributorId"),
            (TenantType.Community, communityId, "communityId"),
            (TenantType.Customer, customerId, "customerId"),
        };
        foreach (var key in keys.Where(k => k.Type != type && k.Id is not null))
        {
            throw new DomainRuleViolation("INVALID_OWNER",
                $"A {type.Value.ToString().ToLowerInvariant()}-owned node names only its {type.Value.ToString().ToLowerInvariant()}; remove {key.Field}.", key.Field);
        }

        var own = keys.Single(k => k.Type == type);
        return own.Id is { } id && id != Guid.Empty
            ? new TenantOwner(type.Value, id)
            : throw new DomainRuleViolation("INVALID_OWNER", $"A {type.Value.ToString().ToLowerInvariant()}-owned node needs {own.Field}.", own.Field);
    }
}
