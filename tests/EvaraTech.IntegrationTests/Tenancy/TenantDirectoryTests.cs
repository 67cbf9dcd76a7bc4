using EvaraTech.Application.Security;
using EvaraTech.Domain;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>The published tenant directory lists a level of the hierarchy within the scope it is given, in id order.</summary>
public sealed class TenantDirectoryTests : TenantWorldTest
{
    private Guid _secondCommunity1;
    private Guid _secondCustomer1;

    [SetUp]
    public async Task AddSecondCommunityAndCustomerAsync()
    {
        // Distributor 1 gets a second community with a customer, so its lists hold more than one row.
        _secondCommunity1 = Guid.CreateVersion7();
        _secondCustomer1 = Guid.CreateVersion7();
        await Tenants.CommunityAsync(Database, _secondCommunity1, World.Distributor1, "Community One B", "community-one-b");
        await Tenants.CustomerAsync(Database, _secondCustomer1, _secondCommunity1, World.Distributor1, "Customer One B");
    }

    [Test]
    public async Task A_distributor_scope_lists_only_its_own_communities_and_customers()
    {
        var scope = TenantScope.OfDistributor(World.Distributor1);

        var communities = await ListAsync(TenantType.Community, scope);
        var customers = await ListAsync(TenantType.Customer, scope);
        var distributors = await ListAsync(TenantType.Distributor, scope);

        Assert.Multiple(() =>
        {
            Assert.That(communities.Select(c => c.TenantId), Is.EqualTo(InIdOrder(World.Community1, _secondCommunity1)));
            Assert.That(communities, Has.All.Matches<TenantPath>(c =>
                c.Type == TenantType.Community && c.DistributorId == World.Distributor1 && c.CommunityId == c.TenantId && c.CustomerId == null));
            Assert.That(customers.Select(c => c.TenantId), Is.EqualTo(InIdOrder(World.Customer1, _secondCustomer1)));
            Assert.That(customers, Has.Exactly(1).EqualTo(
                new TenantPath(TenantType.Customer, World.Customer1, World.Distributor1, World.Community1, World.Customer1)));
            Assert.That(customers, Has.Exactly(1).EqualTo(
                new TenantPath(TenantType.Customer, _secondCustomer1, World.Distributor1, _secondCommunity1, _secondCustomer1)));
            Assert.That(distributors.Select(d => d.TenantId), Is.EqualTo(new[] { World.Distributor1 }));
        });
    }

    [Test]
    public async Task A_customer_scope_lists_only_that_customer()
    {
        var scope = TenantScope.OfCustomer(World.Distributor1, World.Customer1);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await ListAsync(TenantType.Customer, scope)).Select(c => c.TenantId), Is.EqualTo(new[] { World.Customer1 }));
            Assert.That(await ListAsync(TenantType.Community, scope), Is.Empty);
            Assert.That(await ListAsync(TenantType.Distributor, scope), Is.Empty);
        });
    }

    [Test]
    public async Task Everything_lists_every_tenant_in_id_order_and_nothing_lists_none()
    {
        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await ListAsync(TenantType.Distributor, TenantScope.Everything)).Select(d => d.TenantId),
                Is.EqualTo(InIdOrder(World.Distributor1, World.Distributor2)));
            Assert.That((await ListAsync(TenantType.Community, TenantScope.Everything)).Select(c => c.TenantId),
                Is.EqualTo(InIdOrder(World.Community1, World.Community2, _secondCommunity1)));
            Assert.That((await ListAsync(TenantType.Customer, TenantScope.Everything)).Select(c => c.TenantId),
                Is.EqualTo(InIdOrder(World.Customer1, World.Customer2, _secondCustomer1)));
            Assert.That(await ListAsync(TenantType.Customer, TenantScope.Nothing), Is.Empty);
        });
    }

    /// <summary>The directory as the platform's own work sees it, so only the scope argument narrows the list.</summary>
    private static async Task<IReadOnlyList<TenantPath>> ListAsync(TenantType type, TenantScope scope)
    {
        await using var services = Platform.Api.Services.CreateAsyncScope();
        services.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        return await services.ServiceProvider.GetRequiredService<ITenantDirectory>().ListAsync(type, scope, CancellationToken.None);
    }

    /// <summary>PostgreSQL orders uuids by their bytes, which is the order of their hex text.</summary>
    private static Guid[] InIdOrder(params Guid[] ids) => [.. ids.OrderBy(id => id.ToString(), StringComparer.Ordinal)];
}
