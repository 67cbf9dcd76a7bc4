using System.Text.Json.Serialization;

namespace EvaraTech.Modules.Tenancy.Persistence;

/// <summary>A resource with an id, an owner and a version: its ETag, and the token of optimistic writes.</summary>
public interface IVersionedResource : IAuditedResource
{
    long Version { get; }
}

public sealed record DistributorDto(Guid Id, string Name, string? ContactEmail, bool IsActive, long Version, DateTime CreatedAt, DateTime UpdatedAt)
    : IVersionedResource
{
    /// <summary>A distributor is the root of its own subtree.</summary>
    [JsonIgnore]
    public Guid? OwnerDistributorId => Id;
}

public sealed record CommunityDto(Guid Id, Guid DistributorId, string Name, string Slug, bool IsActive, long Version, DateTime CreatedAt, DateTime UpdatedAt)
    : IVersionedResource
{
    [JsonIgnore]
    public Guid? OwnerDistributorId => DistributorId;
}

public sealed record CustomerDto(Guid Id, Guid CommunityId, Guid DistributorId, string Name, string? ContactEmail, bool IsActive, long Version, DateTime CreatedAt, DateTime UpdatedAt)
    : IVersionedResource
{
    [JsonIgnore]
    public Guid? OwnerDistributorId => DistributorId;
}

public sealed record UserDto(
    Guid Id, string Email, string DisplayName, string Role, string Plan, Guid? DistributorId, Guid? CustomerId, bool IsActive,
    long Version, DateTime CreatedAt, DateTime UpdatedAt) : IVersionedResource
{
    [JsonIgnore]
    public Guid? OwnerDistributorId => DistributorId;
}

/// <summary>The four tenancy tables as <see cref="ScopedTable{TRow}"/> specs: the whitelists live here, next to the SQL.</summary>
public static class TenancyTables
{
    public static readonly TableSpec Distributors = new(
        "Distributor", "tenancy.distributors",
        "t.id, t.name, t.contact_email AS ContactEmail, t.is_active AS IsActive, t.version, t.created_at AS CreatedAt, t.updated_at AS UpdatedAt",
        Ownership: new("t.id", "NULL"),
        SortColumns: new Dictionary<string, string> { ["created_at"] = "t.created_at", ["name"] = "t.name" },
        SearchColumn: "t.name",
        Conflicts: new Dictionary<string, (string, string?)>
        {
            ["communities_distributor_id_fkey"] = ("The distributor still has communities; move or delete them first.", null),
            ["users_profiles_distributor_id_fkey"] = ("The distributor still has users; move or delete them first.", null),
        });

    public static readonly TableSpec Communities = new(
        "Community", "tenancy.communities",
        "t.id, t.distributor_id AS DistributorId, t.name, t.slug, t.is_active AS IsActive, t.version, t.created_at AS CreatedAt, t.updated_at AS UpdatedAt",
        Ownership: new("t.distributor_id", "NULL"),
        SortColumns: new Dictionary<string, string> { ["created_at"] = "t.created_at", ["name"] = "t.name", ["slug"] = "t.slug" },
        SearchColumn: "t.name",
        Conflicts: new Dictionary<string, (string, string?)>
        {
            ["uq_communities_slug"] = ("Another community already uses this slug.", "slug"),
            ["fk_customers_community"] = ("The community still has customers; move or delete them first.", null),
        });

    public static readonly TableSpec Customers = new(
        "Customer", "tenancy.customers",
        "t.id, t.community_id AS CommunityId, t.distributor_id AS DistributorId, t.name, t.contact_email AS ContactEmail, t.is_active AS IsActive, t.version, t.created_at AS CreatedAt, t.updated_at AS UpdatedAt",
        Ownership: new("t.distributor_id", "t.id"),
        SortColumns: new Dictionary<string, string> { ["created_at"] = "t.created_at", ["name"] = "t.name" },
        SearchColumn: "t.name",
        Conflicts: new Dictionary<string, (string, string?)>
        {
            ["fk_users_profiles_customer"] = ("The customer still has users; move or delete them first.", null),
        });

    public static readonly TableSpec Users = new(
        "User", "tenancy.users_profiles",
        "t.id, t.email, t.display_name AS DisplayName, t.role, t.plan, t.distributor_id AS DistributorId, t.customer_id AS CustomerId, t.is_active AS IsActive, t.version, t.created_at AS CreatedAt, t.updated_at AS UpdatedAt",
        Ownership: new("t.distributor_id", "t.customer_id"),
        SortColumns: new Dictionary<string, string> { ["created_at"] = "t.created_at", ["email"] = "t.email", ["display_name"] = "t.display_name" },
        SearchColumn: "t.email",
        Conflicts: new Dictionary<string, (string, string?)>
        {
            ["uq_users_profiles_email"] = ("Another user already has this email.", "email"),
            ["users_profiles_pkey"] = ("A user with this id already exists.", "id"),
        });

    public static ScopedTable<DistributorDto> DistributorTable(DbSession db) => new(db, Distributors);

    public static ScopedTable<CommunityDto> CommunityTable(DbSession db) => new(db, Communities);

    public static ScopedTable<CustomerDto> CustomerTable(DbSession db) => new(db, Customers);

    public static ScopedTable<UserDto> UserTable(DbSession db) => new(db, Users);
}
