using Dapper;
using EvaraTech.Simulator.Channels;
using EvaraTech.Simulator.Signals;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.FaultTests;

/// <summary>What the run counts after each fault; every count but the first two must be zero.</summary>
/// <param name="Acknowledged">readings the platform acknowledged to a pushing device so far</param>
/// <param name="PolledEntries">entries of the simulator's feeds the pollers must have taken so far</param>
/// <param name="Lost">acknowledged readings not stored</param>
/// <param name="PolledLost">feed entries neither stored nor kept as refused</param>
/// <param name="StoredTwice">stored readings beyond one per reading sent</param>
/// <param name="AlertsTwice">alerts beyond one per breaching reading</param>
/// <param name="AlertsMissed">breaching readings stored without their alert</param>
/// <param name="WebhooksNotOnce">alerts not told exactly once: no webhook delivery, more than one, or its key never received</param>
/// <param name="WebhooksResent">deliveries received more than once under their one idempotency key (a sender killed
/// after the receiver had the request and before it could record so sends it again)</param>
/// <param name="MostReceipts">the most times one delivery's key was received</param>
public sealed record FaultCounts(
    int Acknowledged, int PolledEntries, int Lost, int PolledLost, int StoredTwice, int Alerts, int AlertsTwice, int AlertsMissed, int WebhooksNotOnce,
    int WebhooksResent, int MostReceipts);

public sealed class FaultTally(string adminConnectionString, FaultWorld world, FeedGenerator feeds, ChannelCatalog channels, DateTimeOffset feedsFrom)
{
    public async Task<FaultCounts> CountAsync(IReadOnlyCollection<SentReading> sent, IReadOnlyCollection<SentReading> acknowledged, WebhookReceiver webhooks)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        var pushNodes = world.PushNodes.Select(n => n.Id).ToArray();

        var lost = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM unnest(@nodes::uuid[], @ats::timestamptz[]) AS a(node_id, at)
            WHERE NOT EXISTS (SELECT 1 FROM telemetry.telemetry_tank t WHERE t.node_id = a.node_id AND t."timestamp" = a.at)
            """, new { nodes = acknowledged.Select(r => r.Node).ToArray(), ats = acknowledged.Select(r => r.At).ToArray() });
        var storedTwice = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM (
                SELECT node_id, "timestamp" FROM telemetry.telemetry_tank WHERE node_id = ANY(@pushNodes)
                EXCEPT ALL
                SELECT * FROM unnest(@nodes::uuid[], @ats::timestamptz[])) AS unsent
            """, new { pushNodes, nodes = sent.Select(r => r.Node).ToArray(), ats = sent.Select(r => r.At).ToArray() });
        var alerts = await connection.QuerySingleAsync<(int Alerts, int Twice)>("""
            SELECT coalesce(sum(n), 0)::int, coalesce(sum(n - 1), 0)::int
            FROM (SELECT count(*) AS n FROM alerts.alert_history WHERE node_id = ANY(@pushNodes) GROUP BY rule_id, node_id, triggered_at) a
            """, new { pushNodes });
        var missed = await connection.ExecuteScalarAsync<int>("""
            SELECT count(*)::int FROM telemetry.telemetry_tank t
            WHERE t.node_id = ANY(@pushNodes) AND t.water_level_cm > @Threshold
              AND NOT EXISTS (SELECT 1 FROM alerts.alert_history h WHERE h.node_id = t.node_id AND h.triggered_at = t."timestamp")
            """, new { pushNodes, FaultWorld.Threshold });
        var notified = (await connection.QueryAsync<(Guid Alert, string? Key)>("""
            SELECT h.id, n.idempotency_key
            FROM alerts.alert_history h
            LEFT JOIN alerts.alert_notifications n ON n.alert_id = h.id AND n.notification_channel = 'webhook'
            WHERE h.node_id = ANY(@pushNodes)
            """, new { pushNodes })).ToList();
        var requests = webhooks.RequestsByKey();
        var notOnce = notified.GroupBy(n => n.Alert)
            .Count(g => g.Count(n => n.Key is not null) != 1 || g.Any(n => n.Key is null || requests.GetValueOrDefault(n.Key) == 0));
        var received = notified.Where(n => n.Key is not null).Select(n => requests.GetValueOrDefault(n.Key!)).ToList();

        var (polledEntries, polledLost) = await PolledAsync(connection);
        return new FaultCounts(acknowledged.Count, polledEntries, lost, polledLost, storedTwice, alerts.Alerts, alerts.Twice, missed, notOnce,
            received.Count(n => n > 1), received.DefaultIfEmpty(0).Max());
    }

    /// <summary>
    /// Each polled channel's entries since the run began up to shortly before the node's last successful poll (what
    /// that poll must have taken), against the node's stored readings and refused entries.
    /// </summary>
    private async Task<(int Entries, int Lost)> PolledAsync(NpgsqlConnection connection)
    {
        var nodes = await connection.QueryAsync<(Guid Node, long Channel, DateTime? PolledAt)>("""
            SELECT c.node_id, c.channel_id, s.last_success_at
            FROM nodes.thingspeak_channels c JOIN telemetry.poll_schedule s ON s.node_id = c.node_id
            WHERE c.channel_id = ANY(@channels)
            """, new { channels = world.PolledChannels.ToArray() });
        int entries = 0, lost = 0;
        foreach (var node in nodes)
        {
            if (node.PolledAt is not { } polledAt)
            {
                continue;
            }

            var until = new DateTimeOffset(polledAt, TimeSpan.Zero).AddSeconds(-2);
            // The simulator reads a range in whole seconds, as ThingSpeak does.
            var expected = feeds.Range(channels.Find(node.Channel)!, feedsFrom, until, FeedGenerator.MaxResults)
                .Select(e => e.CreatedAt).Where(at => at >= feedsFrom && at <= until).ToList();
            var kept = (await connection.QueryAsync<DateTime>("""
                SELECT "timestamp" FROM telemetry.telemetry_tank WHERE node_id = @Node AND "timestamp" BETWEEN @from AND @until
                UNION SELECT "timestamp" FROM telemetry.telemetry_flow WHERE node_id = @Node AND "timestamp" BETWEEN @from AND @until
                UNION SELECT "timestamp" FROM telemetry.telemetry_deep WHERE node_id = @Node AND "timestamp" BETWEEN @from AND @until
                UNION SELECT entry_timestamp FROM telemetry.telemetry_rejections WHERE node_id = @Node AND entry_timestamp BETWEEN @from AND @until
                """, new { node.Node, from = feedsFrom, until })).Select(t => new DateTimeOffset(t, TimeSpan.Zero)).ToHashSet();
            entries += expected.Count;
            lost += expected.Count(at => !kept.Contains(at));

        }

        return (entries, lost);
    }
}
