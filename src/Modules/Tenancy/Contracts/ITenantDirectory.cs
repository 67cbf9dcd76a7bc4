using EvaraTech.Domain;

namespace EvaraTech.Modules.Tenancy.Contracts;

/// <summary>A user who may be told of alerts: where to write and what they may see.</summary>
public sealed record Recipient(Guid UserId, string Email, TenantScope Scope);

/// <summary>
/// The Tenancy module's published look-up for other modules: where a tenant sits in the hierarchy, as the caller
/// may see it. Other modules own resources by tenant but never read Tenancy's tables themselves.
/// </summary>
public interface ITenantDirectory
{
    /// <returns>the tenant's path, or null when it does not exist or is outside <paramref name="scope"/></returns>
    Task<TenantPath?> FindAsync(TenantType type, Guid tenantId, TenantScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// Every tenant of one level that <paramref name="scope"/> can see (a distributor scope: its own subtree only),
    /// ordered by id, so the same data always gives the same list.
    /// </summary>
    Task<IReadOnlyList<TenantPath>> ListAsync(TenantType type, TenantScope scope, CancellationToken cancellationToken);

    /// <returns>
    /// the active users who see a node owned along this path: superadmins, the distributor's users and, for a customer's
    /// node, that customer's users (notifications: the platform's own work)
    /// </returns>
    Task<IReadOnlyList<Recipient>> AudienceAsync(Guid distributorId, Guid? customerId, CancellationToken cancellationToken);

    /// <returns>whether an active user within <paramref name="scope"/> has <paramref name="email"/> (case aside)</returns>
    Task<bool> IsUserEmailAsync(string email, TenantScope scope, CancellationToken cancellationToken);

    /// <returns>the active users among <paramref name="userIds"/>, with their email and scope (notifications: the platform's own work)</returns>
    Task<IReadOnlyList<Recipient>> RecipientsAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);
}
