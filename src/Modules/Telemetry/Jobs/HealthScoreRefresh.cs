using Dapper;
using EvaraTech.Infrastructure.Jobs;
using EvaraTech.Modules.Telemetry.Domain;
using Hangfire;
using Npgsql;

namespace EvaraTech.Modules.Telemetry.Jobs;

/// <summary>
/// Every minute, scores every node's health from its device state (<see cref="HealthScore"/>, which depends on the
/// clock, so it cannot be a view) into <c>telemetry.health_scores</c>, for the dashboard's distribution.
/// </summary>
[OneAtATime]
public sealed class HealthScoreRefresh(IConfiguration configuration, TimeProvider clock) : IRecurringJob
{
    public const string JobId = "telemetry-health-scores";

    static string IRecurringJob.Id => JobId;

    public static void Declare(IRecurringJobManager jobs) =>
        jobs.AddOrUpdate<HealthScoreRefresh>(JobId, job => job.RunAsync(CancellationToken.None), Cron.Minutely());

    private const int BatchSize = 5000;

    private const string States = """
        SELECT node_id AS NodeId, last_reading_at AS LastReadingAt, readings_24h AS Readings24h, battery_voltage AS BatteryVoltage,
               rssi_dbm AS RssiDbm, open_alerts AS OpenAlerts
        FROM telemetry.device_states
        """;

    private const string Store = """
        INSERT INTO telemetry.health_scores (node_id, score, confidence, computed_at)
        SELECT s.node_id, s.score, s.confidence, @Now
        FROM unnest(@Ids::uuid[], @Scores::float8[], @Confidences::float8[]) AS s(node_id, score, confidence)
        ON CONFLICT (node_id) DO UPDATE SET score = EXCLUDED.score, confidence = EXCLUDED.confidence, computed_at = EXCLUDED.computed_at
        """;

    /// <returns>how many nodes were scored</returns>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStrings.Migrations(configuration));
        await connection.OpenAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var states = (await connection.QueryAsync<StateRow>(new CommandDefinition(States, cancellationToken: cancellationToken))).ToList();
        foreach (var batch in states.Chunk(BatchSize))
        {
            var scores = batch.Select(s => HealthScore.Compute(s.Inputs, now)).ToArray();
            await connection.ExecuteAsync(new CommandDefinition(Store, new
            {
                Now = now,
                Ids = batch.Select(s => s.NodeId).ToArray(),
                Scores = scores.Select(s => s.Score).ToArray(),
                Confidences = scores.Select(s => s.Confidence).ToArray(),
            }, cancellationToken: cancellationToken));
        }

        return states.Count;
    }

    private sealed record StateRow(Guid NodeId, DateTime? LastReadingAt, int Readings24h, float? BatteryVoltage, short? RssiDbm, int OpenAlerts)
    {
        public HealthInputs Inputs => new(
            LastReadingAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null, Readings24h, BatteryVoltage, RssiDbm, OpenAlerts);
    }
}
