using Microsoft.AspNetCore.Identity;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// A small tenant hierarchy with one user per role and place, written straight into the database as the owner:
/// two distributors, each with a community and a customer, and their users.
/// </summary>
public sealed class TenantWorld
{
    public const string Password = "Correct-Horse-9";

    public Guid Distributor1 { get; } = Guid.CreateVersion7();
    public Guid Distributor2 { get; } = Guid.CreateVersion7();
    public Guid Community1 { get; } = Guid.CreateVersion7();
    public Guid Community2 { get; } = Guid.CreateVersion7();
    public Guid Customer1 { get; } = Guid.CreateVersion7();
    public Guid Customer2 { get; } = Guid.CreateVersion7();

    public TestUser Superadmin { get; } = new(Guid.CreateVersion7(), "super@evara.test");
    public TestUser DistributorUser1 { get; } = new(Guid.CreateVersion7(), "dist1@evara.test");
    public TestUser DistributorUser2 { get; } = new(Guid.CreateVersion7(), "dist2@evara.test");
    public TestUser CustomerUser1 { get; } = new(Guid.CreateVersion7(), "cust1@evara.test");
    public TestUser CustomerUser2 { get; } = new(Guid.CreateVersion7(), "cust2@evara.test");
    public TestUser InactiveUser { get; } = new(Guid.CreateVersion7(), "inactive@evara.test");

    public static async Task<TenantWorld> CreateAsync(TestDatabase database)
    {
        var world = new TenantWorld();
        var hash = new PasswordHasher<object>().HashPassword(new object(), Password);
        await database.ExecuteAsync("""
            INSERT INTO tenancy.distributors (id, name) VALUES (@d1, 'Distributor One'), (@d2, 'Distributor Two');
            INSERT INTO tenancy.communities (id, distributor_id, name, slug)
                VALUES (@c1, @d1, 'Community One', 'community-one'), (@c2, @d2, 'Community Two', 'community-two');
            INSERT INTO tenancy.customers (id, community_id, distributor_id, name)
                VALUES (@k1, @c1, @d1, 'Customer One'), (@k2, @c2, @d2, 'Customer Two');
            INSERT INTO tenancy.users_profiles (id, email, display_name, role, distributor_id, customer_id, is_active) VALUES
                (@super, 'super@evara.test', 'Super Admin', 'superadmin', NULL, NULL, true),
                (@du1, 'dist1@evara.test', 'Distributor User One', 'distributor', @d1, NULL, true),
                (@du2, 'dist2@evara.test', 'Distributor User Two', 'distributor', @d2, NULL, true),
                (@cu1, 'cust1@evara.test', 'Customer User One', 'customer', @d1, @k1, true),
                (@cu2, 'cust2@evara.test', 'Customer User Two', 'customer', @d2, @k2, true),
                (@inactive, 'inactive@evara.test', 'Inactive User', 'customer', @d1, @k1, false);
            INSERT INTO tenancy.local_credentials (user_id, password_hash)
                SELECT id, @hash FROM tenancy.users_profiles;
            """,
            ("d1", world.Distributor1), ("d2", world.Distributor2), ("c1", world.Community1), ("c2", world.Community2),
            ("k1", world.Customer1), ("k2", world.Customer2), ("super", world.Superadmin.Id),
            ("du1", world.DistributorUser1.Id), ("du2", world.DistributorUser2.Id), ("cu1", world.CustomerUser1.Id),
            ("cu2", world.CustomerUser2.Id), ("inactive", world.InactiveUser.Id), ("hash", hash));
        return world;
    }
}

public sealed record TestUser(Guid Id, string Email);
