using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// The <see cref="TenantWorld"/> with a resource of every kind on each side: per customer a tank (mapped, with a
/// calibration and a ThingSpeak channel), an alert rule of its distributor with an open alert, and a notification rule
/// of the distributor user. Tenant 2's ids and names are the secrets a tenant-1 caller must never see.
/// </summary>
public sealed class AdversarialWorld
{
    public const long Channel1 = 7_700_001;
    public const long Channel2 = 7_700_002;

    private AdversarialWorld(TenantWorld world) => World = world;

    public TenantWorld World { get; }

    public Guid Node1 { get; } = Guid.CreateVersion7();
    public Guid Node2 { get; } = Guid.CreateVersion7();
    public Guid Rule1 { get; } = Guid.CreateVersion7();
    public Guid Rule2 { get; } = Guid.CreateVersion7();
    public Guid Alert1 { get; } = Guid.CreateVersion7();
    public Guid Alert2 { get; } = Guid.CreateVersion7();
    public Guid NotificationRule1 { get; } = Guid.CreateVersion7();
    public Guid NotificationRule2 { get; } = Guid.CreateVersion7();
    public Guid Calibration1 { get; } = Guid.CreateVersion7();
    public Guid Calibration2 { get; } = Guid.CreateVersion7();

    /// <summary>Tenant 2's ids, as they would appear in a body.</summary>
    public IReadOnlyList<Guid> OtherIds =>
    [
        World.Distributor2, World.Community2, World.Customer2, World.CustomerUser2.Id, World.DistributorUser2.Id,
        Node2, Rule2, Alert2, NotificationRule2, Calibration2,
    ];

    /// <summary>Tenant 2's names: distinctive enough that finding one in a body means tenant 2's data is in it.</summary>
    public static IReadOnlyList<string> OtherNames =>
    [
        "Distributor Two", "Community Two", "community-two", "Customer Two", "Customer User Two", "Distributor User Two",
        "cust2@evara.test", "dist2@evara.test", "zeta-tank-2", "Zeta Tank", "Zeta rule", "readzetatank2", "writezetatank2",
    ];

    public static async Task<AdversarialWorld> ArrangeAsync(TestDatabase database, TenantWorld world)
    {
        var arranged = new AdversarialWorld(world);
        await arranged.SideAsync(database, "alpha-tank-1", "Alpha Tank", "Alpha rule", Channel1, arranged.Node1, world.Customer1, world.Community1,
            world.Distributor1, arranged.Rule1, arranged.Alert1, arranged.NotificationRule1, arranged.Calibration1, world.DistributorUser1);
        await arranged.SideAsync(database, "zeta-tank-2", "Zeta Tank", "Zeta rule", Channel2, arranged.Node2, world.Customer2, world.Community2,
            world.Distributor2, arranged.Rule2, arranged.Alert2, arranged.NotificationRule2, arranged.Calibration2, world.DistributorUser2);
        return arranged;
    }

    private async Task SideAsync(TestDatabase database, string key, string label, string ruleName, long channel, Guid node, Guid customer,
        Guid community, Guid distributor, Guid rule, Guid alert, Guid notificationRule, Guid calibration, TestUser distributorUser)
    {
        await NodeBuilder.OfCustomer(customer, community, distributor, node).Named(key, label).WithState().WithTank(300)
            .WithMapping("field1", "water_level_cm").WithChannel(channel, "read" + key.Replace("-", "", StringComparison.Ordinal), "write" + key.Replace("-", "", StringComparison.Ordinal))
            .WithCalibration("water_level_cm", 1, 0, DateTimeOffset.UtcNow.AddDays(-1), calibration).InsertAsync(database);
        await AlertRuleBuilder.ForNode(distributor, node, rule).Named(ruleName).InsertAsync(database);
        await new AlertBuilder(rule, node, distributor).WithId(alert).Named(ruleName).InsertAsync(database);
        await AlertRows.NotificationRuleAsync(database, notificationRule, distributorUser.Id);
    }

    /// <summary>
    /// The ids of tenant <paramref name="side"/> (1 or 2) a parameter could mean: by the parameter's name (nodeId,
    /// community_id…) or, for a bare "id", by the path segment before it (/alerts/{id}). A name nobody taught this method
    /// gets a node and a random id.
    /// </summary>
    public IReadOnlyList<Guid> IdsFor(string parameter, string? segment, int side)
    {
        var name = parameter.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();
        if (name == "ID" && segment is not null)
        {
            name = segment.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant().TrimEnd('S') + "ID";
        }

        var one = side == 1;
        return name switch
        {
            "NODEID" or "NODEIDS" => [one ? Node1 : Node2],
            "ALERTRULEID" or "RULEID" => [one ? Rule1 : Rule2],
            "ALERTID" => [one ? Alert1 : Alert2],
            "NOTIFICATIONRULEID" => [one ? NotificationRule1 : NotificationRule2],
            "CALIBRATIONID" => [one ? Calibration1 : Calibration2],
            "CUSTOMERID" => [one ? World.Customer1 : World.Customer2],
            "COMMUNITIEID" or "COMMUNITYID" => [one ? World.Community1 : World.Community2],
            "DISTRIBUTORID" => [one ? World.Distributor1 : World.Distributor2],
            "CUSTOMERUSERID" => [one ? World.CustomerUser1.Id : World.CustomerUser2.Id],
            "DISTRIBUTORUSERID" => [one ? World.DistributorUser1.Id : World.DistributorUser2.Id],
            "USERID" => one ? [World.CustomerUser1.Id] : [World.CustomerUser2.Id, World.DistributorUser2.Id],
            _ => [one ? Node1 : Node2, Guid.NewGuid()],
        };
    }

    /// <summary>Whether a parameter names a resource by id, so that tenant 2's id goes into it.</summary>
    public static bool IsIdParameter(AdversarialParameter parameter) =>
        parameter.IsGuid || parameter.Name.EndsWith("id", StringComparison.OrdinalIgnoreCase) || parameter.Name.EndsWith("ids", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="text"/> carries one of tenant 2's ids or names, other than those the caller sent itself.</summary>
    public string? SecretIn(string text, string sent)
    {
        var id = OtherIds.Select(g => g.ToString()).FirstOrDefault(g =>
            text.Contains(g, StringComparison.OrdinalIgnoreCase) && !sent.Contains(g, StringComparison.OrdinalIgnoreCase));
        return id ?? OtherNames.FirstOrDefault(n => text.Contains(n, StringComparison.OrdinalIgnoreCase) && !sent.Contains(n, StringComparison.OrdinalIgnoreCase));
    }
}
