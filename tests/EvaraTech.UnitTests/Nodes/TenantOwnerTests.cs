using EvaraTech.Domain;
using EvaraTech.Modules.Nodes.Domain;

namespace EvaraTech.UnitTests.Nodes;

public sealed class TenantOwnerTests
{
    /// <summary>The three optional keys with <paramref name="id"/> under <paramref name="key"/>'s name, the rest null.</summary>
    private static TenantOwner From(TenantType? type, params (TenantType Key, Guid Id)[] keys)
    {
        Guid? Key(TenantType which) => keys.Any(k => k.Key == which) ? keys.Single(k => k.Key == which).Id : null;
        return TenantOwner.From(type, Key(TenantType.Distributor), Key(TenantType.Community), Key(TenantType.Customer));
    }

    [Test]
    public void From_refuses_a_missing_tenant_type()
    {
        Violation.Expect(() => TenantOwner.From(null, Guid.NewGuid(), null, null), "INVALID_OWNER", "tenantType");
        Violation.Expect(() => TenantOwner.From(null, null, null, null), "INVALID_OWNER", "tenantType");
    }

    [TestCase(TenantType.Distributor)]
    [TestCase(TenantType.Community)]
    [TestCase(TenantType.Customer)]
    public void From_returns_the_owner_named_by_the_types_own_key(TenantType type)
    {
        var id = Guid.NewGuid();

        Assert.That(From(type, (type, id)), Is.EqualTo(new TenantOwner(type, id)));
    }

    [TestCase(TenantType.Distributor, TenantType.Community, "communityId")]
    [TestCase(TenantType.Distributor, TenantType.Customer, "customerId")]
    [TestCase(TenantType.Community, TenantType.Distributor, "distributorId")]
    [TestCase(TenantType.Community, TenantType.Customer, "customerId")]
    [TestCase(TenantType.Customer, TenantType.Distributor, "distributorId")]
    [TestCase(TenantType.Customer, TenantType.Community, "communityId")]
    public void From_refuses_a_key_of_another_type_naming_that_key(TenantType type, TenantType extra, string field) =>
        Violation.Expect(() => From(type, (type, Guid.NewGuid()), (extra, Guid.NewGuid())), "INVALID_OWNER", field);

    [TestCase(TenantType.Customer, TenantType.Distributor, "distributorId")]
    [TestCase(TenantType.Distributor, TenantType.Customer, "customerId")]
    public void From_refuses_a_key_of_another_type_even_when_it_is_empty(TenantType type, TenantType extra, string field) =>
        Violation.Expect(() => From(type, (type, Guid.NewGuid()), (extra, Guid.Empty)), "INVALID_OWNER", field);

    [TestCase(TenantType.Distributor, "distributorId")]
    [TestCase(TenantType.Community, "communityId")]
    [TestCase(TenantType.Customer, "customerId")]
    public void From_refuses_a_missing_own_key_naming_it(TenantType type, string field) =>
        Violation.Expect(() => From(type), "INVALID_OWNER", field);

    [TestCase(TenantType.Distributor, "distributorId")]
    [TestCase(TenantType.Community, "communityId")]
    [TestCase(TenantType.Customer, "customerId")]
    public void From_refuses_an_empty_guid_as_own_key_naming_it(TenantType type, string field) =>
        Violation.Expect(() => From(type, (type, Guid.Empty)), "INVALID_OWNER", field);

    [Test]
    public void Owners_are_equal_by_type_and_tenant()
    {
        var id = Guid.NewGuid();
        var community = new TenantOwner(TenantType.Community, id);
        var sameCommunity = new TenantOwner(TenantType.Community, id);
        var customer = new TenantOwner(TenantType.Customer, id);

        Assert.Multiple(() =>
        {
            Assert.That(community, Is.EqualTo(sameCommunity));
            Assert.That(community, Is.Not.EqualTo(customer));
        });
    }

    [TestCase(TenantType.Distributor, "distributor")]
    [TestCase(TenantType.Community, "community")]
    [TestCase(TenantType.Customer, "customer")]
    public void Stored_spells_the_tenant_type_as_the_database_does(TenantType type, string stored) =>
        Assert.That(type.Stored(), Is.EqualTo(stored));
}
