using EvaraTech.IntegrationTests.Infrastructure.TestData;

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
        await Tenants.DistributorAsync(database, world.Distributor1, "Distributor One");
        await Tenants.DistributorAsync(database, world.Distributor2, "Distributor Two");
        await Tenants.CommunityAsync(database, world.Community1, world.Distributor1, "Community One", "community-one");
        await Tenants.CommunityAsync(database, world.Community2, world.Distributor2, "Community Two", "community-two");
        await Tenants.CustomerAsync(database, world.Customer1, world.Community1, world.Distributor1, "Customer One");
        await Tenants.CustomerAsync(database, world.Customer2, world.Community2, world.Distributor2, "Customer Two");
        await Tenants.UserAsync(database, world.Superadmin, "Super Admin", "superadmin", Password);
        await Tenants.UserAsync(database, world.DistributorUser1, "Distributor User One", "distributor", Password, world.Distributor1);
        await Tenants.UserAsync(database, world.DistributorUser2, "Distributor User Two", "distributor", Password, world.Distributor2);
        await Tenants.UserAsync(database, world.CustomerUser1, "Customer User One", "customer", Password, world.Distributor1, world.Customer1);
        await Tenants.UserAsync(database, world.CustomerUser2, "Customer User Two", "customer", Password, world.Distributor2, world.Customer2);
        await Tenants.UserAsync(database, world.InactiveUser, "Inactive User", "customer", Password, world.Distributor1, world.Customer1, active: false);
        return world;
    }
}

public sealed record TestUser(Guid Id, string Email);
