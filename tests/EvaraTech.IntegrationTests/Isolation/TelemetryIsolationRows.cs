namespace EvaraTech.IntegrationTests.Isolation;

/// <summary>
/// The Telemetry module's rows of the isolation matrix (node1 under distributor1/customer1, node2 under
/// distributor2/customer2): every read route with an in-scope and an out-of-scope node. The many-node latest route
/// answers 200 either way; that out-of-scope ids are left out is shown in TelemetryApiTests.
/// </summary>
public static class TelemetryIsolationRows
{
    private static readonly string[] NodeRoutes =
        ["/telemetry/latest", "/telemetry", "/telemetry?resolution=raw", "/telemetry/export", "/health"];

    public static IEnumerable<IsolationRow> Rows()
    {
        foreach (var route in NodeRoutes)
        {
            var path = "/api/v1/nodes/{target}" + route;
            yield return new("superadmin", "GET", path, "node2", 200);
            yield return new("distributor1", "GET", path, "node1", 200);
            yield return new("distributor1", "GET", path, "node2", 404);
            yield return new("customer1", "GET", path, "node1", 200);
            yield return new("customer1", "GET", path, "node2", 404);
        }

        yield return new("customer1", "GET", "/api/v1/telemetry/latest?node_id={target}", "node1", 200);
        yield return new("customer1", "GET", "/api/v1/telemetry/latest?node_id={target}", "node2", 200);
    }
}
