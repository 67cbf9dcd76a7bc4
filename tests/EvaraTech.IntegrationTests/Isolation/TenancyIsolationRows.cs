namespace EvaraTech.IntegrationTests.Isolation;

/// <summary>The Tenancy module's rows of the isolation matrix. Later modules add a class like this one.</summary>
public static class TenancyIsolationRows
{
    private static readonly object DistributorBody = new { name = "Renamed", contactEmail = "ops@evara.test", isActive = true };
    private static readonly object CommunityBody = new { name = "Renamed", slug = "renamed-community", isActive = true };
    private static readonly object CustomerBody = new { name = "Renamed", contactEmail = "home@evara.test", isActive = true };

    public static IEnumerable<IsolationRow> Rows()
    {
        // Distributors
        yield return new("superadmin", "GET", "/api/v1/distributors/{target}", "distributor2", 200);
        yield return new("distributor1", "GET", "/api/v1/distributors/{target}", "distributor1", 200);
        yield return new("distributor1", "GET", "/api/v1/distributors/{target}", "distributor2", 404);
        yield return new("customer1", "GET", "/api/v1/distributors/{target}", "distributor1", 404);
        yield return new("distributor1", "PUT", "/api/v1/distributors/{target}", "distributor1", 200, DistributorBody);
        yield return new("distributor1", "PUT", "/api/v1/distributors/{target}", "distributor2", 404, DistributorBody);
        yield return new("customer1", "PUT", "/api/v1/distributors/{target}", "distributor1", 403, DistributorBody);
        yield return new("distributor1", "DELETE", "/api/v1/distributors/{target}", "distributor1", 403);
        yield return new("superadmin", "POST", "/api/v1/distributors", "distributor1", 201, new { name = "Third Distributor" });
        yield return new("distributor1", "POST", "/api/v1/distributors", "distributor1", 403, new { name = "Own Rival" });
        yield return new("customer1", "POST", "/api/v1/distributors", "distributor1", 403, new { name = "Own Rival" });

        // Communities
        yield return new("superadmin", "GET", "/api/v1/communities/{target}", "community2", 200);
        yield return new("distributor1", "GET", "/api/v1/communities/{target}", "community1", 200);
        yield return new("distributor1", "GET", "/api/v1/communities/{target}", "community2", 404);
        yield return new("customer1", "GET", "/api/v1/communities/{target}", "community1", 404);
        yield return new("distributor1", "PUT", "/api/v1/communities/{target}", "community1", 200, CommunityBody);
        yield return new("distributor1", "PUT", "/api/v1/communities/{target}", "community2", 404, CommunityBody);
        yield return new("customer1", "PUT", "/api/v1/communities/{target}", "community1", 403, CommunityBody);
        yield return new("distributor1", "DELETE", "/api/v1/communities/{target}", "community2", 404);
        yield return new("distributor1", "POST", "/api/v1/communities", "distributor1", 201, new { distributorId = "{target}", name = "New", slug = "new-community" });
        yield return new("distributor1", "POST", "/api/v1/communities", "distributor2", 404, new { distributorId = "{target}", name = "New", slug = "new-community" });
        yield return new("customer1", "POST", "/api/v1/communities", "distributor1", 403, new { distributorId = "{target}", name = "New", slug = "new-community" });

        // Customers
        yield return new("distributor1", "GET", "/api/v1/customers/{target}", "customer1", 200);
        yield return new("distributor1", "GET", "/api/v1/customers/{target}", "customer2", 404);
        yield return new("customer1", "GET", "/api/v1/customers/{target}", "customer1", 200);
        yield return new("customer1", "GET", "/api/v1/customers/{target}", "customer2", 404);
        yield return new("distributor1", "PUT", "/api/v1/customers/{target}", "customer1", 200, CustomerBody);
        yield return new("distributor1", "PUT", "/api/v1/customers/{target}", "customer2", 404, CustomerBody);
        yield return new("customer1", "PUT", "/api/v1/customers/{target}", "customer1", 403, CustomerBody);
        yield return new("distributor1", "DELETE", "/api/v1/customers/{target}", "customer2", 404);
        yield return new("distributor1", "POST", "/api/v1/customers", "community1", 201, new { communityId = "{target}", name = "New Home" });
        yield return new("distributor1", "POST", "/api/v1/customers", "community2", 404, new { communityId = "{target}", name = "New Home" });

        // Users
        yield return new("superadmin", "GET", "/api/v1/users/{target}", "customerUser2", 200);
        yield return new("distributor1", "GET", "/api/v1/users/{target}", "customerUser1", 200);
        yield return new("distributor1", "GET", "/api/v1/users/{target}", "customerUser2", 404);
        yield return new("distributor1", "GET", "/api/v1/users/{target}", "distributorUser2", 404);
        yield return new("customer1", "GET", "/api/v1/users/{target}", "customerUser1", 403);
        yield return new("distributor1", "PUT", "/api/v1/users/{target}", "customerUser1", 403, new { displayName = "X", role = "customer" });
        yield return new("distributor1", "DELETE", "/api/v1/users/{target}", "customerUser1", 403);
        yield return new("superadmin", "DELETE", "/api/v1/users/{target}", "customerUser2", 204);
        yield return new("superadmin", "POST", "/api/v1/users", "customer2", 201, new { email = "new@evara.test", displayName = "New", role = "customer", customerId = "{target}" });
        yield return new("distributor1", "POST", "/api/v1/users", "customer1", 403, new { email = "new@evara.test", displayName = "New", role = "customer", customerId = "{target}" });
        yield return new("superadmin", "PUT", "/api/v1/users/{target}", "customerUser2", 200, new { displayName = "Renamed", role = "customer", customerId = "{customer2}" });
    }
}
