namespace EvaraTech.Modules.Tenancy.Domain;

/// <summary>
/// A user's profile. Its role decides where it belongs: a superadmin nowhere, a distributor user to one
/// distributor, a customer user to one customer (through that customer's distributor) or, freshly signed up,
/// to nobody yet.
/// </summary>
public sealed class UserAccount : AggregateRoot<Guid>
{
    public UserAccount(Guid id, long version, string email, string displayName, Role role, string plan, Guid? distributorId, Guid? customerId, bool isActive)
        : base(id, version)
    {
        Email = email.Trim();
        DisplayName = TenantNames.Valid(displayName);
        Plan = ValidPlan(plan);
        IsActive = isActive;
        (Role, DistributorId, CustomerId) = ValidPlacement(role, distributorId, customerId);
    }

    public static readonly IReadOnlySet<string> Plans = new HashSet<string>(StringComparer.Ordinal) { "free", "pro", "enterprise" };

    public string Email { get; private set; }
    public string DisplayName { get; private set; }
    public Role Role { get; private set; }
    public string Plan { get; private set; }
    public Guid? DistributorId { get; private set; }
    public Guid? CustomerId { get; private set; }
    public bool IsActive { get; private set; }

    public void Change(string displayName, Role role, string plan, Guid? distributorId, Guid? customerId, bool isActive)
    {
        DisplayName = TenantNames.Valid(displayName);
        Plan = ValidPlan(plan);
        IsActive = isActive;
        (Role, DistributorId, CustomerId) = ValidPlacement(role, distributorId, customerId);
    }

    /// <param name="customerDistributorId">for a customer user: the distributor of that customer (looked up, never trusted from input)</param>
    private static (Role, Guid?, Guid?) ValidPlacement(Role role, Guid? distributorId, Guid? customerId) => role switch
    {
        Role.Superadmin when distributorId is null && customerId is null => (role, null, null),
        Role.Distributor when distributorId is not null && customerId is null => (role, distributorId, null),
        Role.Customer when (distributorId is null) == (customerId is null) => (role, distributorId, customerId),
        Role.Superadmin => throw new DomainRuleViolation("INVALID_PLACEMENT", "A superadmin belongs to no distributor or customer.", "role"),
        Role.Distributor => throw new DomainRuleViolation("INVALID_PLACEMENT", "A distributor user needs a distributorId and no customerId.", "distributorId"),
        _ => throw new DomainRuleViolation("INVALID_PLACEMENT", "A customer user needs a customerId (or neither link while unassigned).", "customerId"),
    };

    private static string ValidPlan(string plan) =>
        Plans.Contains(plan) ? plan : throw new DomainRuleViolation("INVALID_PLAN", "plan must be free, pro or enterprise.", "plan");
}
