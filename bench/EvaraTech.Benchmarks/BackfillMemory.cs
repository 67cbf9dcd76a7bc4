using System.Diagnostics;
using System.Globalization;
using EvaraTech.Modules.Nodes.Persistence;
using EvaraTech.Simulator;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The first back-fill of a fleet: 1,000 simulated nodes, each with a week of one-minute history (10 million
/// readings), polled by the API as its own process (the Release build, default polling settings) from their first
/// reading to now, run as docker-compose.yml runs it in its 512 MiB container: the GC heap held to half of that, JIT
/// code mapped once. Reports the API's peak resident memory and how long the week took to arrive.
/// </summary>
public static class BackfillMemory
{
    private const int Nodes = 1_000;
    private const string ApiUrl = "http://127.0.0.1:5083";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(30);

    public static async Task<IReadOnlyList<ReportLine>> MeasureAsync()
    {
        var simulator = SimulatorHost.Build(["--urls", "http://127.0.0.1:0", "--channels", $"{Nodes}", "--interval", "60", "--history-days", "8"]);
        await simulator.StartAsync();
        await using var database = await BenchDatabase.CreateAsync();
        try
        {
            var settings = database.PlatformSettings(simulator.Urls.Single() + "/");
            // What the 512 MiB container's limit gives the GC (DOTNET_GCHeapHardLimitPercent 50), as an absolute limit here.
            settings["DOTNET_GCHeapHardLimit"] = "0x10000000";
            settings["DOTNET_EnableWriteXorExecute"] = "0";
            using var api = await PlatformProcess.StartAsync(ApiUrl, settings, "backfill-api");
            var idle = api.PeakMemoryBytes;
            await SimulatedNodes.ArrangeAsync(database.AdminConnectionString, Nodes, new ChannelKeyProtection(ChannelKeyOptions.DevelopmentSecret).SealReadKey);
            var clock = Stopwatch.StartNew();

            // Caught up: every node's feed read to within the poll interval of now.
            long caughtUp = 0;
            while (clock.Elapsed < Limit && caughtUp < Nodes)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
                caughtUp = await ScalarAsync<long>(database,
                    "SELECT count(*) FROM telemetry.ingestion_cursors WHERE read_until > now() - interval '3 minutes'");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"back-fill: {caughtUp:N0} of {Nodes:N0} nodes caught up after {clock.Elapsed.TotalSeconds:F0} s; API peak {api.PeakMemoryBytes / 1048576.0:F0} MiB"));
            }

            var duration = clock.Elapsed;
            var peak = api.PeakMemoryBytes;
            var stored = await ScalarAsync<long>(database,
                "SELECT (SELECT count(*) FROM telemetry.telemetry_tank) + (SELECT count(*) FROM telemetry.telemetry_flow) + (SELECT count(*) FROM telemetry.telemetry_deep)");
            return
            [
                ReportLine.Value($"first back-fill, {Nodes:N0} nodes × 7 days of one-minute readings: API peak resident memory (512 MiB container settings)",
                    string.Create(CultureInfo.InvariantCulture,
                        $"{peak / 1048576.0:F0} MiB (idle {idle / 1048576.0:F0} MiB; {stored:N0} readings, {caughtUp:N0} nodes caught up in {duration.TotalSeconds:F0} s)"),
                    "< 512 MiB", peak < 512L * 1048576 && caughtUp == Nodes),
            ];
        }
        finally
        {
            await simulator.StopAsync();
            await simulator.DisposeAsync();
        }
    }

    private static async Task<T> ScalarAsync<T>(BenchDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
