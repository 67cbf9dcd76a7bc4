namespace EvaraTech.IntegrationTests.Infrastructure.TestData;

/// <summary>The Alerts module's smaller rows: a user's notification rule and a node's recorded downtime.</summary>
public static class AlertRows
{
    /// <summary>Notifies <paramref name="user"/> by email of alerts from <paramref name="severityMin"/> up.</summary>
    public static Task NotificationRuleAsync(TestDatabase database, Guid id, Guid user, string severityMin = "warning") => Rows.InsertAsync(database, """
        INSERT INTO alerts.alert_notification_rules (id, user_id, severity_min, notification_channels)
        VALUES (@id, @user, @severityMin, '[{"type": "email"}]')
        """, new { id, user, severityMin });

    /// <summary>An outage of <paramref name="node"/>; one without an end is still going on.</summary>
    public static Task DowntimeAsync(TestDatabase database, Guid node, DateTimeOffset start, DateTimeOffset? end) => Rows.InsertAsync(database, """
        INSERT INTO alerts.device_downtime (id, node_id, downtime_start, downtime_end) VALUES (gen_random_uuid(), @node, @start, @end)
        """, new { node, start, end });
}
