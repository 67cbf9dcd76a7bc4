namespace EvaraTech.IntegrationTests.Isolation;

/// <summary>
/// The Alerts module's rows of the isolation matrix: rule1 / alert1 on node1 (distributor1, customer1), rule2 / alert2
/// on node2 (distributor2, customer2); notificationRule1 is distributorUser1's, notificationRule2 distributorUser2's.
/// Customers own no rules (404 on reads, 403 on writes); notification rules are their user's alone, even for a superadmin.
/// </summary>
public static class AlertIsolationRows
{
    private static readonly object SelectorRule = new
    {
        name = "Low tanks", selector = new { analyticsType = "EvaraTank" }, metric = "water_level_cm", @operator = "<", threshold = 50, severity = "warning",
    };

    private static readonly object NodeRule = new
    {
        name = "Low", nodeId = "{target}", metric = "water_level_cm", @operator = "<", threshold = 50, severity = "critical",
    };

    private static readonly object NotificationRule = new { severityMin = "warning", channels = new[] { new { type = "email" } } };

    public static IEnumerable<IsolationRow> Rows()
    {
        yield return new("superadmin", "GET", "/api/v1/alert-rules/{target}", "rule2", 200);
        yield return new("distributor1", "GET", "/api/v1/alert-rules/{target}", "rule1", 200);
        yield return new("distributor1", "GET", "/api/v1/alert-rules/{target}", "rule2", 404);
        yield return new("customer1", "GET", "/api/v1/alert-rules/{target}", "rule1", 404);

        yield return new("distributor1", "PUT", "/api/v1/alert-rules/{target}", "rule1", 200, SelectorRule);
        yield return new("distributor1", "PUT", "/api/v1/alert-rules/{target}", "rule2", 404, SelectorRule);
        yield return new("customer1", "PUT", "/api/v1/alert-rules/{target}", "rule1", 403, SelectorRule);

        yield return new("distributor1", "DELETE", "/api/v1/alert-rules/{target}", "rule1", 204);
        yield return new("distributor1", "DELETE", "/api/v1/alert-rules/{target}", "rule2", 404);
        yield return new("customer1", "DELETE", "/api/v1/alert-rules/{target}", "rule1", 403);

        yield return new("distributor1", "POST", "/api/v1/alert-rules", "node1", 201, NodeRule);
        yield return new("distributor1", "POST", "/api/v1/alert-rules", "node2", 404, NodeRule);
        yield return new("customer1", "POST", "/api/v1/alert-rules", "node1", 403, NodeRule);

        yield return new("distributor1", "POST", "/api/v1/alerts/{target}/acknowledge", "alert1", 200);
        yield return new("distributor1", "POST", "/api/v1/alerts/{target}/acknowledge", "alert2", 404);
        yield return new("customer1", "POST", "/api/v1/alerts/{target}/acknowledge", "alert1", 403);
        yield return new("superadmin", "POST", "/api/v1/alerts/{target}/resolve", "alert2", 200);
        yield return new("distributor1", "POST", "/api/v1/alerts/{target}/resolve", "alert1", 200);
        yield return new("distributor1", "POST", "/api/v1/alerts/{target}/resolve", "alert2", 404);

        yield return new("superadmin", "GET", "/api/v1/nodes/{target}/uptime", "node2", 200);
        yield return new("distributor1", "GET", "/api/v1/nodes/{target}/uptime", "node1", 200);
        yield return new("distributor1", "GET", "/api/v1/nodes/{target}/uptime", "node2", 404);
        yield return new("customer1", "GET", "/api/v1/nodes/{target}/uptime", "node1", 200);
        yield return new("customer1", "GET", "/api/v1/nodes/{target}/uptime", "node2", 404);

        yield return new("distributor1", "GET", "/api/v1/notification-rules/{target}", "notificationRule1", 200);
        yield return new("distributor1", "GET", "/api/v1/notification-rules/{target}", "notificationRule2", 404);
        yield return new("superadmin", "GET", "/api/v1/notification-rules/{target}", "notificationRule2", 404);
        yield return new("distributor1", "PUT", "/api/v1/notification-rules/{target}", "notificationRule1", 200, NotificationRule);
        yield return new("distributor1", "PUT", "/api/v1/notification-rules/{target}", "notificationRule2", 404, NotificationRule);
        yield return new("distributor1", "DELETE", "/api/v1/notification-rules/{target}", "notificationRule2", 404);
        yield return new("customer1", "DELETE", "/api/v1/notification-rules/{target}", "notificationRule1", 404);
    }
}
