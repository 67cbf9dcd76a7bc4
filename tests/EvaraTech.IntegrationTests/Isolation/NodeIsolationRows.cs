namespace EvaraTech.IntegrationTests.Isolation;

/// <summary>
/// The Nodes module's rows of the isolation matrix: node1 belongs to customer1 (under distributor1), node2 to customer2
/// (under distributor2). Every node route appears with an in-scope and an out-of-scope target.
/// </summary>
public static class NodeIsolationRows
{
    private static readonly object NodeBody = new { label = "Renamed", category = "OHT", config = new { maxDepthCm = 300 } };
    private static readonly object ChannelBody = new { channelId = 2999001, mappings = new[] { new { field = "field1", canonicalField = "water_level_cm" } } };
    private static readonly object CalibrationBody = new { field = "water_level_cm", type = "linear", parameters = new { slope = 1.0, intercept = 0.0 }, validFrom = "2026-01-01T00:00:00Z" };
    private static readonly object FirmwareBody = new { firmwareVersion = "1.0.0" };
    private static readonly object TagBody = new { name = "zone", value = "north" };

    private static object NewNode(string key, string community) => new
    {
        nodeKey = key, label = "New", category = "Sump", tenantType = "community", communityId = community, config = new { maxDepthCm = 200 },
    };

    public static IEnumerable<IsolationRow> Rows()
    {
        yield return new("superadmin", "GET", "/api/v1/nodes/{target}", "node2", 200);
        yield return new("distributor1", "GET", "/api/v1/nodes/{target}", "node1", 200);
        yield return new("distributor1", "GET", "/api/v1/nodes/{target}", "node2", 404);
        yield return new("customer1", "GET", "/api/v1/nodes/{target}", "node1", 200);
        yield return new("customer1", "GET", "/api/v1/nodes/{target}", "node2", 404);

        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}", "node1", 200, NodeBody);
        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}", "node2", 404, NodeBody);
        yield return new("customer1", "PUT", "/api/v1/nodes/{target}", "node1", 403, NodeBody);

        yield return new("superadmin", "DELETE", "/api/v1/nodes/{target}", "node2", 204);
        yield return new("distributor1", "DELETE", "/api/v1/nodes/{target}", "node1", 403);
        yield return new("customer1", "DELETE", "/api/v1/nodes/{target}", "node1", 403);

        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/move", "node1", 200, new { tenantType = "community", communityId = "{community1}" });
        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/move", "node1", 404, new { tenantType = "community", communityId = "{community2}" });
        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/move", "node2", 404, new { tenantType = "community", communityId = "{community1}" });
        yield return new("customer1", "POST", "/api/v1/nodes/{target}/move", "node1", 403, new { tenantType = "community", communityId = "{community1}" });

        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}/maintenance", "node1", 200, new { enabled = true });
        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}/maintenance", "node2", 404, new { enabled = true });
        yield return new("customer1", "PUT", "/api/v1/nodes/{target}/maintenance", "node1", 403, new { enabled = true });

        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}/channel", "node1", 200, ChannelBody);
        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}/channel", "node2", 404, ChannelBody);
        yield return new("customer1", "PUT", "/api/v1/nodes/{target}/channel", "node1", 403, ChannelBody);

        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/calibrations", "node1", 200, CalibrationBody);
        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/calibrations", "node2", 404, CalibrationBody);
        yield return new("customer1", "POST", "/api/v1/nodes/{target}/calibrations", "node1", 403, CalibrationBody);
        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/calibrations/" + Guid.Empty + "/close", "node2", 404, new { validUntil = "2026-02-01T00:00:00Z" });

        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}/firmware", "node1", 200, FirmwareBody);
        yield return new("distributor1", "PUT", "/api/v1/nodes/{target}/firmware", "node2", 404, FirmwareBody);
        yield return new("customer1", "PUT", "/api/v1/nodes/{target}/firmware", "node1", 403, FirmwareBody);

        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/tags", "node1", 200, TagBody);
        yield return new("distributor1", "POST", "/api/v1/nodes/{target}/tags", "node2", 404, TagBody);
        yield return new("customer1", "POST", "/api/v1/nodes/{target}/tags", "node1", 403, TagBody);
        yield return new("distributor1", "DELETE", "/api/v1/nodes/{target}/tags?name=zone&value=north", "node2", 404);

        yield return new("distributor1", "POST", "/api/v1/nodes", "community1", 201, NewNode("iso-new-1", "{target}"));
        yield return new("distributor1", "POST", "/api/v1/nodes", "community2", 404, NewNode("iso-new-2", "{target}"));
        yield return new("customer1", "POST", "/api/v1/nodes", "community1", 403, NewNode("iso-new-3", "{target}"));
        yield return new("customer1", "POST", "/api/v1/nodes/batch", "community1", 403,
            new { atomic = false, operations = new[] { new { op = "create", node = NewNode("iso-new-4", "{target}") } } });
        yield return new("customer1", "GET", "/api/v1/nodes/map", "node1", 200);
        yield return new("customer1", "GET", "/api/v1/firmware/summary", "node1", 200);
    }
}
