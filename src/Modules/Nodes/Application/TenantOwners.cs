using EvaraTech.Modules.Nodes.Domain;
using EvaraTech.Modules.Tenancy.Contracts;

namespace EvaraTech.Modules.Nodes.Application;

/// <summary>The owner a command names, looked up through the Tenancy module's published directory.</summary>
public static class TenantOwners
{
    /// <summary>The owner's place in the hierarchy; an owner outside the caller's scope does not exist for them (404).</summary>
    public static async Task<TenantPath> OwnerInScopeAsync(this ITenantDirectory tenants, TenantOwner owner, TenantScope scope, CancellationToken ct) =>
        await tenants.FindAsync(owner.Type, owner.TenantId, scope, ct)
        ?? throw new AppException(ErrorKind.NotFound, ErrorCodes.NotFound, $"{owner.Type} was not found.",
            $"{owner.Type.ToString().ToLowerInvariant()}Id");
}
