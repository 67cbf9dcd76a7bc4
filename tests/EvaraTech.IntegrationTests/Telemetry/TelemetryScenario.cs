using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// Three nodes (a tank, a flow meter, a borewell) reporting every 10 minutes for 48 hours that end at the last full
/// hour, with a flow counter reset and an energy counter reset. Values are exact in single precision, so both
/// storage profiles receive identical numbers. Node ids are fixed; the data is the same on every run.
/// </summary>
public static class TelemetryScenario
{
    public static readonly Guid Distributor = Guid.Parse("0000000a-0000-4000-8000-000000000001");
    public static readonly Guid Tank = Guid.Parse("0000000a-0000-4000-8000-00000000000a");
    public static readonly Guid Flow = Guid.Parse("0000000a-0000-4000-8000-00000000000b");
    public static readonly Guid Deep = Guid.Parse("0000000a-0000-4000-8000-00000000000c");
    public static readonly TankGeometry Geometry = new(400, 20);

    public const int ReadingsPerNode = 288;
    public const int FlowResetAt = 150;
    public const int EnergyResetAt = 200;

    /// <summary>The first reading's time: 48 hours before the last full hour.</summary>
    public static DateTimeOffset Start(DateTimeOffset now) =>
        new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(-48);

    public static async Task CreateNodesAsync(NpgsqlConnection connection)
    {
        await Tenants.DistributorAsync(connection, Distributor, "Telemetry scenario");
        await NodeBuilder.OfDistributor(Distributor, Tank).Named("SCN-TANK", "Scenario tank").WithTank(Geometry.MaxDepthCm, Geometry.LowLevelPercent)
            .InsertAsync(connection);
        await NodeBuilder.OfDistributor(Distributor, Flow).Named("SCN-FLOW", "Scenario flow meter").FlowMeter().InsertAsync(connection);
        await NodeBuilder.OfDistributor(Distributor, Deep).Named("SCN-DEEP", "Scenario borewell").Borewell().InsertAsync(connection);
    }

    /// <summary>
    /// The scenario's nodes, and its tank on channel 777001 (write key WRITEKEY777001) with field1 mapped ×100 to the
    /// level, field2 to the temperature, and the level calibrated 0.5·x + 10 from a day before <paramref name="now"/>.
    /// </summary>
    public static async Task ArrangeChannelTankAsync(TestDatabase database, DateTimeOffset now)
    {
        await using var connection = await OpenWithNodesAsync(database.AdminConnectionString);
        await NodeBuilder.Existing(Tank).WithState().WithChannel(777001, "READKEY777001", "WRITEKEY777001")
            .WithMapping("field1", "water_level_cm", scale: 100).WithMapping("field2", "temperature_c")
            .WithCalibration("water_level_cm", 0.5, 10, now.AddDays(-1)).InsertAsync(connection);
    }

    /// <summary>An open connection to a database that now holds the scenario's nodes.</summary>
    public static async Task<NpgsqlConnection> OpenWithNodesAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await CreateNodesAsync(connection);
        return connection;
    }

    public static IReadOnlyList<IReading> Readings(DateTimeOffset start)
    {
        var readings = new List<IReading>();
        double volume = 0;
        double energy = 0;
        for (var i = 0; i < ReadingsPerNode; i++)
        {
            var at = start.AddMinutes(10 * i);
            readings.Add(new TankReading(Tank, at, 40 + (i % 30) * 7.5, 25 + (i % 4) * 0.25, 300 + i % 10, 7 + (i % 3) * 0.5,
                3.5 + (i % 5) * 0.125, -80 - i % 20).Measured(Geometry));

            var rate = (i % 7) * 2.5;
            volume = i == FlowResetAt ? 12.5 : volume + rate * 10;
            readings.Add(new FlowReading(Flow, at, rate, volume, 1.5 + (i % 4) * 0.25));

            var running = i / 6 % 2 == 0;
            energy = i == EnergyResetAt ? 0.25 : energy + (running ? 0.5 : 0);
            readings.Add(new DeepReading(Deep, at, 20 + (i % 10) * 0.5, 25 + (i % 10) * 0.5, i % 50 == 49 ? "fault" : running ? "running" : "stopped",
                running ? 5.5 : 0, 230, energy));
        }

        return readings;
    }

    /// <summary>Readings of hours 10 to 12 arrive last (late data); everything else first.</summary>
    public static bool IsLate(IReading reading, DateTimeOffset start) =>
        reading.Timestamp >= start.AddHours(10) && reading.Timestamp < start.AddHours(13);

    /// <summary>Writes the scenario as ingestion would: the on-time batch, the late batch, then the late batch again.</summary>
    public static async Task<IReadOnlyList<WriteResult>> IngestAsync(
        NpgsqlConnection connection, DateTimeOffset now, WireMode wire, Func<Task>? betweenBatches = null)
    {
        var start = Start(now);
        var all = Readings(start);
        var results = new List<WriteResult>
        {
            await WriteAsync(connection, [.. all.Where(r => !IsLate(r, start))], now, wire),
        };
        if (betweenBatches is not null)
        {
            await betweenBatches();
        }

        results.Add(await WriteAsync(connection, [.. all.Where(r => IsLate(r, start))], now, wire));
        results.Add(await WriteAsync(connection, [.. all.Where(r => IsLate(r, start))], now, wire));
        return results;
    }

    public static async Task<WriteResult> WriteAsync(NpgsqlConnection connection, IReadOnlyCollection<IReading> readings, DateTimeOffset now, WireMode wire)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await TelemetryWriter.WriteAsync(connection, transaction, readings, now, wire, CancellationToken.None);
        await transaction.CommitAsync();
        return result;
    }

    /// <summary>Creates the scenario's nodes in <paramref name="database"/>.</summary>
    public static async Task CreateNodesAsync(TestDatabase database)
    {
        await using var connection = await OpenWithNodesAsync(database.AdminConnectionString);
    }

    /// <summary>An open connection as the application's login.</summary>
    public static async Task<NpgsqlConnection> OpenAsApplicationAsync(TestDatabase database)
    {
        var connection = new NpgsqlConnection(database.AppConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>One batch in one transaction that carries the platform's own context, as ingestion's does.</summary>
    public static async Task<WriteResult> WriteAsSystemAsync(NpgsqlConnection connection, IReadOnlyCollection<IReading> readings, DateTimeOffset now)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var context = new NpgsqlCommand("SELECT tenancy.set_user_context(NULL, 'system', NULL, NULL)", connection, transaction))
        {
            await context.ExecuteNonQueryAsync();
        }

        var result = await TelemetryWriter.WriteAsync(connection, transaction, readings, now, WireMode.BinaryCopy, CancellationToken.None);
        await transaction.CommitAsync();
        return result;
    }

    /// <summary>The expected volume over the whole scenario: the sum of increases, the reset counting its new value.</summary>
    public static double ExpectedVolume(DateTimeOffset start) => CounterTotal(Readings(start).OfType<FlowReading>().Select(r => r.CumulativeVolumeLiters!.Value));

    public static double ExpectedEnergy(DateTimeOffset start) => CounterTotal(Readings(start).OfType<DeepReading>().Select(r => r.EnergyKwh!.Value));

    private static double CounterTotal(IEnumerable<double> counter)
    {
        double? previous = null;
        double total = 0;
        foreach (var value in counter)
        {
            total += previous is null ? 0 : value >= previous ? value - previous.Value : value;
            previous = value;
        }

        return total;
    }
}
