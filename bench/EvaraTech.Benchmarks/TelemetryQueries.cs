using System.Diagnostics;
using Dapper;
using EvaraTech.Domain;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.TestSupport;
using EvaraTech.TestSupport.Platform;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The Telemetry module's reads over the production-equivalent set (<see cref="TelemetrySeed.Production"/>: 1,000
/// nodes, 10,000,000 readings, 90 days, loaded into the benchmark database first), timed in the database like
/// <see cref="NodeQueries"/>: application login, the caller's user context, the module's own statements
/// (<see cref="SeriesReads"/>), a different node every sample (tanks, flow meters and borewells in turn). Then one
/// poll cycle after another through the module's <see cref="TelemetryWriter"/> and the rollup refresh that follows it.
/// </summary>
public static class TelemetryQueries
{
    private const int Warmup = 20;
    private const int Samples = 200;
    private const int PollCycles = 10;

    public static async Task<IReadOnlyList<LatencyRecorder.Figures>> MeasureAsync(BenchDatabase database)
    {
        var seed = TelemetrySeed.Production(DateTime.UtcNow);
        Console.WriteLine($"telemetry seed: {await seed.LoadAsync(database.AdminConnectionString)}");

        // Whole hours ending at the seed's last full hour: what a dashboard asks for.
        var to = new DateTimeOffset(seed.Now.Ticks - seed.Now.Ticks % TimeSpan.TicksPerHour, TimeSpan.Zero);
        var nodes = Enumerable.Range(0, Samples)
            .Select(i => TelemetryTable.All[i % 3])
            .Select((table, i) => (Table: table, Id: seed.NodesOf(table.Key)[i * 37 % seed.NodesOf(table.Key).Count]))
            .ToArray();
        SeriesSpec Spec(int sample, SeriesResolution resolution, TimeSpan span)
        {
            var (table, id) = nodes[sample % nodes.Length];
            return new SeriesSpec(id, table, resolution, [.. table.Metrics.SelectMany(m => m.RollupColumns)], to - span, to, SeriesPlan.MaxBuckets);
        }

        var everything = TenantScope.Everything;
        var distributor = TenantScope.OfDistributor(TelemetrySeed.Distributor(1));
        var allNodes = seed.NodeIds.ToArray();
        var distributorNodes = seed.NodesOfDistributor(1).ToArray();
        var rawHourly = await RawHourlyStatementsAsync(database);

        await using var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();

        // The module's statement, rows read off the reader (the database's time), and then the module's whole read
        // (SeriesReads.ReadAsync, which also builds the points the API serialises).
        Task Rollup(NpgsqlTransaction transaction, SeriesSpec spec) => ReadAllAsync(connection, transaction, SeriesReads.Sql(spec),
            new { spec.NodeId, spec.From, spec.To, spec.Limit });
        var hourly = await InContext.MeasureAsync(connection, everything, "telemetry hourly series, 30 days, one node (720 buckets)", "p95 < 10 ms",
            Warmup, Samples, (i, transaction) => Rollup(transaction, Spec(i, SeriesResolution.Hour, TimeSpan.FromDays(30))));
        var hourlyPoints = await InContext.MeasureAsync(connection, everything, "  the same through SeriesReads.ReadAsync (points built)", "p95 < 10 ms",
            Warmup, Samples, (i, transaction) => SeriesReads.ReadAsync(connection, transaction, Spec(i, SeriesResolution.Hour, TimeSpan.FromDays(30)), CancellationToken.None));
        var daily = await InContext.MeasureAsync(connection, everything, "telemetry daily series, 90 days, one node (90 buckets)", "p95 < 10 ms",
            Warmup, Samples, (i, transaction) => Rollup(transaction, Spec(i, SeriesResolution.Day, TimeSpan.FromDays(90))));
        var latest = await InContext.MeasureAsync(connection, everything, "telemetry latest, 1,000 nodes in one query (superadmin)", "p95 < 20 ms",
            Warmup, Samples, (_, transaction) => LatestAsync(connection, transaction, allNodes));
        var latestScoped = await InContext.MeasureAsync(connection, distributor, $"telemetry latest, {distributorNodes.Length} nodes (distributor)", "p95 < 20 ms",
            Warmup, Samples, (_, transaction) => LatestAsync(connection, transaction, distributorNodes));
        var raw = await InContext.MeasureAsync(connection, everything, "telemetry hourly series, 30 days, from raw rows (date_bin)", "comparison",
            Warmup, Samples, (i, transaction) =>
            {
                var spec = Spec(i, SeriesResolution.Hour, TimeSpan.FromDays(30));
                return ReadAllAsync(connection, transaction, rawHourly[spec.Table.Key], new { spec.NodeId, spec.From, spec.To });
            });
        raw = raw with { Target = $"rollup is {raw.P50 / hourly.P50:F0}x faster (p50), {raw.P95 / hourly.P95:F0}x (p95)" };

        var (write, refresh) = await PollCyclesAsync(database, seed);
        return [hourly, hourlyPoints, daily, latest, latestScoped, raw, write, refresh];
    }

    private static Task LatestAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] nodeIds) =>
        ReadAllAsync(connection, transaction, TelemetryReads.LatestSql, new { NodeIds = nodeIds });

    private static async Task ReadAllAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, object parameters)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, transaction));
        await InContext.ReadAllAsync(reader);
    }

    /// <summary>
    /// The hourly rollup's columns computed from the raw rows, per type: the aggregate list of
    /// telemetry.rollup_definitions (the one definition both storage profiles build their rollups from).
    /// </summary>
    private static async Task<Dictionary<string, string>> RawHourlyStatementsAsync(BenchDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        var definitions = await connection.QueryAsync<(string Type, string Aggregates)>("SELECT telemetry_type, aggregates FROM telemetry.rollup_definitions");
        return definitions.ToDictionary(d => d.Type, d => $"""
            SELECT date_bin(interval '1 hour', "timestamp", timestamptz '2000-01-01 00:00+00') AS bucket, {d.Aggregates}
            FROM telemetry.telemetry_{d.Type}
            WHERE node_id = @NodeId AND "timestamp" >= @From AND "timestamp" < @To
            GROUP BY 1
            ORDER BY 1
            """);
    }

    /// <summary>
    /// One new reading for every node, written through the module's writer in one transaction (statement triggers
    /// queue the (node, hour) invalidations), then the rollup refresh the job runs: each timed, cycle after cycle.
    /// The write runs as ingestion does (the application login, the platform's 'system' context, row-level security
    /// on); the refresh as the maintenance role, as its job does.
    /// </summary>
    private static async Task<(LatencyRecorder.Figures Write, LatencyRecorder.Figures Refresh)> PollCyclesAsync(BenchDatabase database, TelemetrySeed seed)
    {
        await using var owner = new NpgsqlConnection(database.AdminConnectionString);
        await owner.OpenAsync();
        await using var app = new NpgsqlConnection(database.AppConnectionString);
        await app.OpenAsync();
        var writes = new List<double>();
        var refreshes = new List<double>();
        var nodes = 0;
        for (var cycle = 0; cycle < PollCycles + 2; cycle++)
        {
            var readings = seed.NextReadings().ToReadings();
            nodes = readings.Count;
            var started = Stopwatch.GetTimestamp();
            await using (var transaction = await app.BeginTransactionAsync())
            {
                await app.ExecuteAsync("SELECT tenancy.set_user_context(NULL, 'system', NULL, NULL)", transaction: transaction);
                var result = await TelemetryWriter.WriteAsync(app, transaction, readings, readings.Max(r => r.Timestamp), WireMode.BinaryCopy, CancellationToken.None);
                if (result.Written != readings.Count)
                {
                    throw new InvalidOperationException($"Poll cycle {cycle}: {result}");
                }

                await transaction.CommitAsync();
            }

            var written = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            started = Stopwatch.GetTimestamp();
            await owner.ExecuteAsync("SELECT * FROM telemetry.refresh_rollups()");
            var refreshed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (cycle >= 2)
            {
                writes.Add(written);
                refreshes.Add(refreshed);
            }
        }

        return (LatencyRecorder.Summarise($"telemetry poll cycle write, {nodes:N0} readings (TelemetryWriter)", "p95 < 60 s (one cycle a minute)", writes),
                LatencyRecorder.Summarise($"telemetry rollup refresh after one poll cycle ({nodes:N0} nodes)", "p95 < 60 s (refreshed every minute)", refreshes));
    }
}
