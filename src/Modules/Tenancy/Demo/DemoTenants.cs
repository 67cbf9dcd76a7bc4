namespace EvaraTech.Modules.Tenancy.Demo;

/// <summary>
/// The embedded default's demo tenants and users, with fixed ids so other modules' demo data (nodes) can point at
/// them. Development only: the password is printed at start-up and listed in docs/OPERATIONS.md (Demo users).
/// </summary>
public static class DemoTenants
{
    public const string Password = "Evara-Demo-2026!";

    public sealed record DemoDistributor(Guid Id, string Name);

    public sealed record DemoCommunity(Guid Id, Guid DistributorId, string Name, string Slug);

    public sealed record DemoCustomer(Guid Id, Guid CommunityId, Guid DistributorId, string Name);

    public sealed record DemoUser(Guid Id, string Email, string DisplayName, string Role, Guid? DistributorId, Guid? CustomerId);

    public static readonly DemoDistributor[] Distributors =
    [
        new(Guid.Parse("0192f000-0000-7000-8000-000000000001"), "AquaFlow Distributors"),
        new(Guid.Parse("0192f000-0000-7000-8000-000000000002"), "HydroNet Services"),
    ];

    public static readonly DemoCommunity[] Communities =
    [
        new(Guid.Parse("0192f000-0000-7000-8000-000000000101"), Distributors[0].Id, "Green Valley", "green-valley"),
        new(Guid.Parse("0192f000-0000-7000-8000-000000000102"), Distributors[0].Id, "Lake View Residency", "lake-view"),
        new(Guid.Parse("0192f000-0000-7000-8000-000000000103"), Distributors[1].Id, "Hill Top Estates", "hill-top"),
        new(Guid.Parse("0192f000-0000-7000-8000-000000000104"), Distributors[1].Id, "River Side Farms", "river-side"),
    ];

    public static readonly DemoCustomer[] Customers =
    [
        .. Communities.SelectMany((community, c) => Enumerable.Range(1, 2).Select(n => new DemoCustomer(
            Guid.Parse($"0192f000-0000-7000-8000-0000000002{c}{n}"), community.Id, community.DistributorId, $"{community.Name} Household {n}"))),
    ];

    public static readonly DemoUser[] Users =
    [
        new(Guid.Parse("0192f000-0000-7000-8000-000000000901"), "admin@evaratech.local", "Platform Admin", "superadmin", null, null),
        new(Guid.Parse("0192f000-0000-7000-8000-000000000911"), "aquaflow@evaratech.local", "AquaFlow Operations", "distributor", Distributors[0].Id, null),
        new(Guid.Parse("0192f000-0000-7000-8000-000000000912"), "hydronet@evaratech.local", "HydroNet Operations", "distributor", Distributors[1].Id, null),
        .. Customers.Select((customer, i) => new DemoUser(
            Guid.Parse($"0192f000-0000-7000-8000-0000000009{i + 21}"),
            $"{Communities.Single(c => c.Id == customer.CommunityId).Slug}-{(i % 2) + 1}@evaratech.local",
            customer.Name, "customer", customer.DistributorId, customer.Id)),
    ];
}
