using EvaraTech.Application.Security;
using EvaraTech.Domain;

namespace EvaraTech.UnitTests.Tenancy;

public sealed class PermissionsTests
{
    [TestCase(Role.Superadmin, "nodes:delete", true)]
    [TestCase(Role.Superadmin, "admin:anything", true)]
    [TestCase(Role.Distributor, "nodes:write", true)]
    [TestCase(Role.Distributor, "nodes:delete", false)]
    [TestCase(Role.Distributor, "users:write", false)]
    [TestCase(Role.Distributor, "telemetry:write", false)]
    [TestCase(Role.Customer, "nodes:read", true)]
    [TestCase(Role.Customer, "alerts:write", false)]
    [TestCase(Role.Customer, "users:read", false)]
    public void Roles_have_the_permissions_of_seed_002(Role role, string permission, bool expected) =>
        Assert.That(Permissions.Has(role, permission), Is.EqualTo(expected));

    [Test]
    public void The_scope_rule_follows_the_hierarchy()
    {
        var d1 = Guid.NewGuid();
        var d2 = Guid.NewGuid();
        var k1 = Guid.NewGuid();

        Assert.Multiple(() =>
        {
            Assert.That(TenantScope.Everything.Contains(d2, null), Is.True);
            Assert.That(TenantScope.OfDistributor(d1).Contains(d1, k1), Is.True, "a distributor sees its customers' rows");
            Assert.That(TenantScope.OfDistributor(d1).Contains(d2, null), Is.False);
            Assert.That(TenantScope.OfCustomer(d1, k1).Contains(d1, k1), Is.True);
            Assert.That(TenantScope.OfCustomer(d1, k1).Contains(d1, null), Is.False, "a customer does not see its distributor's own rows");
            Assert.That(TenantScope.Nothing.Contains(d1, k1), Is.False);
        });
    }
}
