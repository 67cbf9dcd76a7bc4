namespace EvaraTech.Modules.Tenancy.Domain;

/// <summary>A company that sells and services the platform; owns communities.</summary>
public sealed class Distributor(Guid id, long version, string name, string? contactEmail, bool isActive) : AggregateRoot<Guid>(id, version)
{
    public string Name { get; private set; } = TenantNames.Valid(name);
    public string? ContactEmail { get; private set; } = contactEmail;
    public bool IsActive { get; private set; } = isActive;

    public static Distributor Create(string name, string? contactEmail) => new(Guid.CreateVersion7(), 1, name, contactEmail, true);

    public void Change(string name, string? contactEmail, bool isActive)
    {
        Name = TenantNames.Valid(name);
        ContactEmail = contactEmail;
        IsActive = isActive;
    }
}

/// <summary>A residential or commercial site under one distributor; holds customers.</summary>
public sealed class Community(Guid id, long version, Guid distributorId, string name, string slug, bool isActive) : AggregateRoot<Guid>(id, version)
{
    public Guid DistributorId { get; } = distributorId;
    public string Name { get; private set; } = TenantNames.Valid(name);
    public string Slug { get; private set; } = Slugs.Valid(slug);
    public bool IsActive { get; private set; } = isActive;

    public static Community Create(Guid distributorId, string name, string slug) => new(Guid.CreateVersion7(), 1, distributorId, name, slug, true);

    public void Change(string name, string slug, bool isActive)
    {
        Name = TenantNames.Valid(name);
        Slug = Slugs.Valid(slug);
        IsActive = isActive;
    }
}

/// <summary>A household or business in a community; the distributor is its community's, never chosen freely.</summary>
public sealed class Customer(Guid id, long version, Guid communityId, Guid distributorId, string name, string? contactEmail, bool isActive)
    : AggregateRoot<Guid>(id, version)
{
    public Guid CommunityId { get; } = communityId;
    public Guid DistributorId { get; } = distributorId;
    public string Name { get; private set; } = TenantNames.Valid(name);
    public string? ContactEmail { get; private set; } = contactEmail;
    public bool IsActive { get; private set; } = isActive;

    public static Customer Create(Community community, string name, string? contactEmail) =>
        new(Guid.CreateVersion7(), 1, community.Id, community.DistributorId, name, contactEmail, true);

    public void Change(string name, string? contactEmail, bool isActive)
    {
        Name = TenantNames.Valid(name);
        ContactEmail = contactEmail;
        IsActive = isActive;
    }
}

public static class TenantNames
{
    public static string Valid(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length is >= 1 and <= 200
            ? trimmed
            : throw new DomainRuleViolation("INVALID_NAME", "A name has 1 to 200 characters.", "name");
    }
}

/// <summary>Community slugs: lowercase words of letters and digits joined by single hyphens, at most 100 characters.</summary>
public static partial class Slugs
{
    public static string Valid(string slug) =>
        slug.Length <= 100 && Pattern().IsMatch(slug)
            ? slug
            : throw new DomainRuleViolation("INVALID_SLUG", "A slug is lowercase letters and digits joined by single hyphens (e.g. green-valley-2).", "slug");

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}
