using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace EvaraTech.TestSupport;

/// <summary>What a load wrote and how long each phase took.</summary>
public sealed record TelemetrySeedReport(
    int Nodes, long TankRows, long FlowRows, long DeepRows,
    TimeSpan NodesTime, TimeSpan CopyTime, TimeSpan StateTime, TimeSpan RollupTime, TimeSpan VacuumTime, TimeSpan Total)
{
    public long Rows => TankRows + FlowRows + DeepRows;

    public override string ToString() =>
        $"{Nodes:N0} nodes, {Rows:N0} rows (tank {TankRows:N0}, flow {FlowRows:N0}, deep {DeepRows:N0}) in {Total.TotalSeconds:F1} s " +
        $"({Rows / Total.TotalSeconds:N0} rows/s overall; COPY {CopyTime.TotalSeconds:F1} s = {Rows / CopyTime.TotalSeconds:N0} rows/s, " +
        $"nodes {NodesTime.TotalSeconds:F1} s, latest + device state {StateTime.TotalSeconds:F1} s, " +
        $"rollups {RollupTime.TotalSeconds:F1} s, VACUUM ANALYZE {VacuumTime.TotalSeconds:F1} s)";
}

/// <summary>
/// The production-equivalent telemetry set, for <c>./build.sh seed-perf</c>, the telemetry benchmark
/// (bench/…/TelemetryQueries.cs) and its consistency test (tests/…/Telemetry/TelemetrySeedTests.cs):
/// by default 1,000 nodes and 10,000,000 readings over the 90 days before <see cref="Now"/>, about one reading per node
/// every 13 minutes. Nodes: ¼ overhead tanks, ¼ sumps, ¼ flow meters, ¼ borewells, under their own tenants
/// (<see cref="Distributors"/> distributors × 2 communities × 3 customers), each with its device configuration.
/// </summary>
/// <remarks>
/// Deterministic: every value comes from a <see cref="Random"/> seeded with the node's number, so the same node count,
/// row count, span and <see cref="Now"/> give the same rows. Readings are written round by round (every node's k-th
/// reading, then every node's k+1-th), so rows reach the tables in time order as polling would store them, not
/// clustered by node. The derived columns are computed here exactly as ingestion defines them, from the node's
/// previous reading: counter increases by telemetry.counter_increase (previous non-null counter; a smaller value is a
/// reset and counts whole), pump running seconds as the gap (at most 900 s) after a 'running' reading, tank percent
/// and low level from the tank's configuration.
/// </remarks>
public sealed class TelemetrySeed
{
    public const int ProductionNodes = 1_000;
    public const long ProductionRows = 10_000_000;
    public static readonly TimeSpan ProductionSpan = TimeSpan.FromDays(90);

    public const int Distributors = 2;
    private const int CommunitiesPerDistributor = 2;
    private const int CustomersPerCommunity = 3;

    private readonly Series[] _series;

    public TelemetrySeed(int nodes, long rows, DateTime now, TimeSpan span)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, nodes);
        Now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        Span = span;
        var start = Now - span;
        _series = [.. Enumerable.Range(1, nodes).Select(number =>
        {
            var readings = (int)(rows / nodes + (number <= rows % nodes ? 1 : 0));
            return ((number - 1) % 4) switch
            {
                0 or 1 => (Series)new TankSeries(number, readings, start, span),
                2 => new FlowSeries(number, readings, start, span),
                _ => new DeepSeries(number, readings, start, span),
            };
        })];
    }

    /// <summary>The production-equivalent set: 1,000 nodes, 10,000,000 rows, 90 days.</summary>
    public static TelemetrySeed Production(DateTime now) => new(ProductionNodes, ProductionRows, now, ProductionSpan);

    /// <summary>The end of the data (whole seconds, UTC): every reading is before it.</summary>
    public DateTime Now { get; }

    public TimeSpan Span { get; }

    public IReadOnlyList<Guid> NodeIds => [.. _series.Select(s => s.Id)];

    /// <summary>The nodes of one telemetry type ('tank', 'flow', 'deep').</summary>
    public IReadOnlyList<Guid> NodesOf(string telemetryType) => [.. _series.Where(s => s.Type == telemetryType).Select(s => s.Id)];

    /// <summary>The nodes whose ownership path is distributor <paramref name="number"/> (1-based).</summary>
    public IReadOnlyList<Guid> NodesOfDistributor(int number) => [.. _series.Where(s => s.Owner.Distributor == number).Select(s => s.Id)];

    public static Guid Distributor(int number) => Guid.Parse($"00000000-0000-4000-9000-{number:D12}");

    private static Guid Community(int distributor, int community) =>
        Guid.Parse($"00000000-0000-4000-9001-{(distributor - 1) * CommunitiesPerDistributor + community:D12}");

    private static Guid Customer(int distributor, int community, int customer) =>
        Guid.Parse($"00000000-0000-4000-9002-{((distributor - 1) * CommunitiesPerDistributor + community - 1) * CustomersPerCommunity + customer:D12}");

    /// <summary>
    /// Writes tenants, nodes and the readings into a migrated database (as its owner), then what ingestion would
    /// have kept beside them: latest readings, device state, operational state, rollups; then VACUUM ANALYZE.
    /// </summary>
    public async Task<TelemetrySeedReport> LoadAsync(string ownerConnectionString, CancellationToken cancellationToken = default)
    {
        if (_series.Any(s => s.Started))
        {
            throw new InvalidOperationException("This seed's readings have been generated already; load a new TelemetrySeed.");
        }

        var total = Stopwatch.StartNew();
        var phase = Stopwatch.StartNew();
        await CreateNodesAsync(ownerConnectionString);
        var nodesTime = phase.Elapsed;

        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(cancellationToken);

        phase.Restart();
        // Two COPY streams on two cores: tanks (half the rows) beside flow then deep (the other half).
        await Task.WhenAll(
            Task.Run(() => Copy(ownerConnectionString, "tank"), cancellationToken),
            Task.Run(() =>
            {
                Copy(ownerConnectionString, "flow");
                Copy(ownerConnectionString, "deep");
            }, cancellationToken));
        var copyTime = phase.Elapsed;

        phase.Restart();
        await WriteStateAsync(connection);
        var stateTime = phase.Elapsed;

        phase.Restart();
        await connection.ExecuteAsync("SELECT telemetry.rebuild_rollups()", commandTimeout: 0);
        var rollupTime = phase.Elapsed;

        phase.Restart();
        // Sets the visibility map (index-only scans) and gives the planner statistics, as autovacuum eventually would.
        await connection.ExecuteAsync("VACUUM ANALYZE", commandTimeout: 0);
        var vacuumTime = phase.Elapsed;

        long Rows(string type) => _series.Where(s => s.Type == type).Sum(s => (long)s.Readings);
        return new TelemetrySeedReport(_series.Length, Rows("tank"), Rows("flow"), Rows("deep"),
            nodesTime, copyTime, stateTime, rollupTime, vacuumTime, total.Elapsed);
    }

    /// <summary>
    /// Tenants, nodes with their configuration, and the weekly partitions of the seed's span: everything but readings
    /// (<see cref="LoadAsync"/> writes those, or a caller hands <see cref="NextReadings"/> to the module's writer).
    /// </summary>
    public async Task CreateNodesAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var distributors = Enumerable.Range(1, Distributors).ToArray();
        var communities = distributors.SelectMany(d => Enumerable.Range(1, CommunitiesPerDistributor).Select(k => (d, k))).ToArray();
        var customers = communities.SelectMany(c => Enumerable.Range(1, CustomersPerCommunity).Select(j => (c.d, c.k, j))).ToArray();
        await connection.ExecuteAsync("""
            INSERT INTO tenancy.distributors (id, name) SELECT * FROM unnest(@Ids, @Names);
            """, new { Ids = distributors.Select(Distributor).ToArray(), Names = distributors.Select(d => $"Telemetry Seed Distributor {d}").ToArray() },
            transaction);
        await connection.ExecuteAsync("""
            INSERT INTO tenancy.communities (id, distributor_id, name, slug) SELECT * FROM unnest(@Ids, @Distributors, @Names, @Slugs);
            """, new
            {
                Ids = communities.Select(c => Community(c.d, c.k)).ToArray(),
                Distributors = communities.Select(c => Distributor(c.d)).ToArray(),
                Names = communities.Select(c => $"Telemetry Seed Community {c.d}-{c.k}").ToArray(),
                Slugs = communities.Select(c => $"telemetry-seed-community-{c.d}-{c.k}").ToArray(),
            }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO tenancy.customers (id, community_id, distributor_id, name) SELECT * FROM unnest(@Ids, @Communities, @Distributors, @Names);
            """, new
            {
                Ids = customers.Select(c => Customer(c.d, c.k, c.j)).ToArray(),
                Communities = customers.Select(c => Community(c.d, c.k)).ToArray(),
                Distributors = customers.Select(c => Distributor(c.d)).ToArray(),
                Names = customers.Select(c => $"Telemetry Seed Customer {c.d}-{c.k}-{c.j}").ToArray(),
            }, transaction);

        var created = Now - Span - TimeSpan.FromDays(30);
        await connection.ExecuteAsync("""
            INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, distributor_id, community_id,
                                     customer_id, owner_distributor_id, owner_community_id, lat, lng, location_name,
                                     capacity_litres, created_at, updated_at)
            SELECT n.*, @Created, @Created
            FROM unnest(@Ids, @Keys, @Labels, @Categories, @AnalyticsTypes, @TenantTypes, @DistributorIds, @CommunityIds,
                        @CustomerIds, @OwnerDistributors, @OwnerCommunities, @Lats, @Lngs, @Locations, @Capacities) n;
            INSERT INTO nodes.device_config_tank (node_id, max_depth_cm, sensor_offset_cm, low_level_percent, high_level_percent)
            SELECT * FROM unnest(@TankIds, @MaxDepths, @SensorOffsets, @LowLevels, @HighLevels);
            INSERT INTO nodes.device_config_flow (node_id, pipe_diameter_mm, pulses_per_litre, max_flow_rate_lpm)
            SELECT * FROM unnest(@FlowIds, @PipeDiameters, @PulsesPerLitre, @MaxFlowRates);
            INSERT INTO nodes.device_config_deep (node_id, well_depth_m, pump_rating_kw, pump_depth_m)
            SELECT * FROM unnest(@DeepIds, @WellDepths, @PumpRatings, @PumpDepths);
            """, new
        {
            Created = created,
            Ids = _series.Select(s => s.Id).ToArray(),
            Keys = _series.Select(s => $"TSEED-{s.Number:D5}").ToArray(),
            Labels = _series.Select(s => $"{s.Device.Kind} {s.Locality} {s.Number:D5}").ToArray(),
            Categories = _series.Select(s => s.Device.Category).ToArray(),
            AnalyticsTypes = _series.Select(s => s.Device.AnalyticsType).ToArray(),
            TenantTypes = _series.Select(s => s.Owner.TenantType).ToArray(),
            DistributorIds = _series.Select(s => s.Owner.TenantType == "distributor" ? Distributor(s.Owner.Distributor) : (Guid?)null).ToArray(),
            CommunityIds = _series.Select(s => s.Owner.TenantType == "community" ? Community(s.Owner.Distributor, s.Owner.Community) : (Guid?)null).ToArray(),
            CustomerIds = _series.Select(s => s.Owner.TenantType == "customer" ? Customer(s.Owner.Distributor, s.Owner.Community, s.Owner.Customer) : (Guid?)null).ToArray(),
            OwnerDistributors = _series.Select(s => Distributor(s.Owner.Distributor)).ToArray(),
            OwnerCommunities = _series.Select(s => s.Owner.TenantType == "distributor" ? null : (Guid?)Community(s.Owner.Distributor, s.Owner.Community)).ToArray(),
            Lats = _series.Select(s => s.Lat).ToArray(),
            Lngs = _series.Select(s => s.Lng).ToArray(),
            Locations = _series.Select(s => $"{s.Locality}, Hyderabad").ToArray(),
            Capacities = _series.Select(s => (s as TankSeries)?.CapacityLitres).ToArray(),
            TankIds = _series.OfType<TankSeries>().Select(s => s.Id).ToArray(),
            MaxDepths = _series.OfType<TankSeries>().Select(s => s.MaxDepthCm).ToArray(),
            SensorOffsets = _series.OfType<TankSeries>().Select(s => s.SensorOffsetCm).ToArray(),
            LowLevels = _series.OfType<TankSeries>().Select(s => s.LowLevelPercent).ToArray(),
            HighLevels = _series.OfType<TankSeries>().Select(_ => 90.0).ToArray(),
            FlowIds = _series.OfType<FlowSeries>().Select(s => s.Id).ToArray(),
            PipeDiameters = _series.OfType<FlowSeries>().Select(s => s.PipeDiameterMm).ToArray(),
            PulsesPerLitre = _series.OfType<FlowSeries>().Select(s => s.PulsesPerLitre).ToArray(),
            MaxFlowRates = _series.OfType<FlowSeries>().Select(s => s.MaxFlowRateLpm).ToArray(),
            DeepIds = _series.OfType<DeepSeries>().Select(s => s.Id).ToArray(),
            WellDepths = _series.OfType<DeepSeries>().Select(s => s.WellDepthM).ToArray(),
            PumpRatings = _series.OfType<DeepSeries>().Select(s => s.PumpRatingKw).ToArray(),
            PumpDepths = _series.OfType<DeepSeries>().Select(s => s.PumpDepthM).ToArray(),
        }, transaction);
        // The migration made partitions around the real clock; these cover the seed's span (creating only what is missing).
        await connection.ExecuteAsync("SELECT count(*) FROM telemetry.maintain_partitions(@Span, 4, @Now)", new { Span, Now }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Every node's next reading, as ingestion receives them (a tank's with its depth and low level, from which
    /// ingestion derives percent and low level): after <see cref="LoadAsync"/>, the poll cycle that follows the data set.
    /// </summary>
    public IReadOnlyList<SeedReading> NextReadings()
    {
        foreach (var node in _series)
        {
            node.Advance();
        }

        return [.. _series.Select(s => s.Reading)];
    }

    /// <summary>One COPY stream of one telemetry type, round by round.</summary>
    private void Copy(string ownerConnectionString, string type)
    {
        var series = _series.Where(s => s.Type == type).ToArray();
        using var connection = new NpgsqlConnection(ownerConnectionString);
        connection.Open();
        // A bulk load of a generated, consistent set: replica mode skips the per-row foreign-key checks (every node
        // exists) and the statement triggers that queue rollup invalidations (the rollups are rebuilt whole after the
        // load). Owner only; the setting ends with this session.
        using (var replica = new NpgsqlCommand("SET session_replication_role = replica", connection))
        {
            replica.ExecuteNonQuery();
        }

        using var importer = connection.BeginBinaryImport(series[0].Device.CopyCommand);
        for (var round = 0; round < series.Max(s => s.Readings); round++)
        {
            foreach (var node in series)
            {
                if (round < node.Readings)
                {
                    node.Advance();
                    importer.StartRow();
                    node.Write(importer);
                }
            }
        }

        importer.Complete();
    }

    /// <summary>Latest readings, device state and operational state, as ingestion leaves them after each node's last reading.</summary>
    private async Task WriteStateAsync(NpgsqlConnection connection)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (type, primaryMetric) in new[] { ("tank", "water_level_percent"), ("flow", "flow_rate_lpm"), ("deep", "static_water_level_m") })
        {
            // Identifiers from the fixed list above; values are parameters. Same shapes as the module's writer.
            await connection.ExecuteAsync($"""
                INSERT INTO telemetry.latest_readings (node_id, telemetry_type, "timestamp", "values", updated_at)
                SELECT n.id, '{type}', r."timestamp",
                       to_jsonb(r) - ARRAY['node_id', 'timestamp', 'metadata', 'volume_delta_liters', 'energy_delta_kwh', 'pump_running_seconds'],
                       @Now
                FROM unnest(@Ids) AS n(id)
                CROSS JOIN LATERAL (SELECT * FROM telemetry.telemetry_{type} t WHERE t.node_id = n.id ORDER BY t."timestamp" DESC LIMIT 1) r;

                INSERT INTO telemetry.device_states (node_id, telemetry_type, last_reading_at, readings_24h, primary_avg_24h,
                                                     battery_voltage, rssi_dbm, window_computed_at, updated_at)
                SELECT l.node_id, '{type}', l."timestamp", w.readings, w.primary_avg,
                       (l."values" ->> 'battery_voltage')::real, (l."values" ->> 'rssi_dbm')::smallint, @Now, @Now
                FROM unnest(@Ids) AS n(id)
                JOIN telemetry.latest_readings l ON l.node_id = n.id
                CROSS JOIN LATERAL (
                    SELECT count(*)::integer AS readings, avg(r.{primaryMetric})::double precision AS primary_avg
                    FROM telemetry.telemetry_{type} r
                    WHERE r.node_id = n.id AND r."timestamp" > @Now - interval '24 hours') w;
                """, new { Ids = NodesOf(type).ToArray(), Now }, transaction, commandTimeout: 0);
        }

        await connection.ExecuteAsync("""
            INSERT INTO nodes.node_operational_state (node_id, status, last_seen, last_telemetry_sync, updated_at)
            SELECT node_id, 'Online', "timestamp", "timestamp", @Now FROM telemetry.latest_readings WHERE node_id = ANY(@Ids)
            """, new { Ids = NodeIds.ToArray(), Now }, transaction);
        await transaction.CommitAsync();
    }

    private static readonly string[] Localities =
    [
        "Gachibowli", "Kondapur", "Madhapur", "Kukatpally", "Miyapur", "Banjara Hills", "Jubilee Hills", "Ameerpet",
        "Begumpet", "Secunderabad", "Uppal", "LB Nagar", "Dilsukhnagar", "Mehdipatnam", "Tolichowki", "Manikonda",
    ];

    /// <summary>What a node is: its telemetry type, label word, category and analytics type, and its COPY columns.</summary>
    private sealed record Device(string Type, string Kind, string Category, string AnalyticsType, string CopyColumns)
    {
        public static readonly Device OverheadTank = new("tank", "Overhead Tank", "OHT", "EvaraTank", TankColumns);
        public static readonly Device Sump = new("tank", "Sump", "Sump", "EvaraTank", TankColumns);
        public static readonly Device FlowMeter = new("flow", "Flow Meter", "FlowMeter", "EvaraFlow",
            "node_id, \"timestamp\", flow_rate_lpm, cumulative_volume_liters, pressure_bar, temperature_c, volume_delta_liters");
        public static readonly Device Borewell = new("deep", "Borewell", "Borewell", "EvaraDeep",
            "node_id, \"timestamp\", static_water_level_m, dynamic_water_level_m, pump_status, pump_current_a, voltage_v, energy_kwh, " +
            "energy_delta_kwh, pump_running_seconds");

        private const string TankColumns =
            "node_id, \"timestamp\", water_level_cm, water_level_percent, below_low_level, temperature_c, tds_ppm, ph, battery_voltage, rssi_dbm";

        public string CopyCommand => $"COPY telemetry.telemetry_{Type} ({CopyColumns}) FROM STDIN (FORMAT BINARY)";
    }

    /// <summary>Where a node sits in the tenant hierarchy: 40% owned by its distributor, 20% by a community, 40% by a customer.</summary>
    private sealed record Ownership(string TenantType, int Distributor, int Community, int Customer)
    {
        public static Ownership Of(int number) => new(
            ((number - 1) % 5) switch { 0 or 1 => "distributor", 2 => "community", _ => "customer" },
            (number - 1) / 4 % Distributors + 1,
            (number - 1) / 8 % CommunitiesPerDistributor + 1,
            (number - 1) / 16 % CustomersPerCommunity + 1);
    }

    /// <summary>
    /// One node's readings. Reading k falls at (k + ½ + phase + jitter) intervals after the start, in whole seconds,
    /// with a per-node phase of ±0.15 and a per-reading jitter of ±0.3 intervals: strictly increasing, inside the span.
    /// </summary>
    private abstract class Series
    {
        private readonly long _startTicks;
        private readonly double _intervalTicks;
        private readonly double _phase;

        protected Series(int number, Device device, int readings, DateTime start, TimeSpan span)
        {
            Number = number;
            Device = device;
            Readings = readings;
            Id = new Guid(Convert.ToHexString(MD5.HashData(Encoding.UTF8.GetBytes($"telemetry-seed-node-{number}"))));
            Owner = Ownership.Of(number);
            // System.Random with a seed has a fixed algorithm across runtimes (the seeded legacy generator).
            Random = new Random(number * 7919);
            Locality = Localities[Random.Next(Localities.Length)];
            Lat = Math.Round(17.3 + 0.2 * Random.NextDouble(), 6);
            Lng = Math.Round(78.3 + 0.3 * Random.NextDouble(), 6);
            _startTicks = start.Ticks;
            _intervalTicks = span.Ticks / (double)readings;
            _phase = (Random.NextDouble() - 0.5) * 0.3;
        }

        public int Number { get; }

        public Device Device { get; }

        public string Type => Device.Type;

        public Guid Id { get; }

        public int Readings { get; }

        public Ownership Owner { get; }

        public string Locality { get; }

        public double Lat { get; }

        public double Lng { get; }

        protected Random Random { get; }

        /// <summary>The reading the last <see cref="Advance"/> produced.</summary>
        public DateTime Timestamp { get; private set; }

        /// <summary>Seconds since the previous reading; null for the node's first.</summary>
        protected double? Gap { get; private set; }

        private int _index;

        public bool Started => _index > 0;

        public void Advance()
        {
            var ticks = _startTicks + (long)((_index + 0.5 + _phase + (Random.NextDouble() - 0.5) * 0.6) * _intervalTicks);
            var timestamp = new DateTime(ticks - ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
            Gap = _index == 0 ? null : (timestamp - Timestamp).TotalSeconds;
            Timestamp = timestamp;
            _index++;
            Step(Gap ?? _intervalTicks / TimeSpan.TicksPerSecond);
        }

        /// <summary>Moves the node's physical state on by <paramref name="seconds"/> and sets this reading's values.</summary>
        protected abstract void Step(double seconds);

        /// <summary>Writes the current reading as one COPY row (the row is started).</summary>
        public abstract void Write(NpgsqlBinaryImporter importer);

        /// <summary>The current reading as ingestion receives it (measured values only; floats widen exactly).</summary>
        public abstract SeedReading Reading { get; }

        protected double Gaussian(double deviation)
        {
            // Box–Muller: one normal deviate from two uniforms of the node's own generator.
            var u = 1.0 - Random.NextDouble();
            return deviation * Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2.0 * Math.PI * Random.NextDouble());
        }

        protected bool Chance(double probability) => Random.NextDouble() < probability;

        /// <summary>Local time in Hyderabad (UTC+5:30), which the daily patterns follow.</summary>
        protected double HourOfDay => (Timestamp.TimeOfDay.TotalHours + 5.5) % 24;

        protected static void Write<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type)
            where T : struct
        {
            if (value is { } present)
            {
                importer.Write(present, type);
            }
            else
            {
                importer.WriteNull();
            }
        }
    }

    /// <summary>
    /// A tank drained by demand (morning and evening peaks) and refilled by its pump from a refill level up to ~95%.
    /// One refill in four starts late, at 4–14%, below the tank's low level: the low-level periods.
    /// </summary>
    private sealed class TankSeries : Series
    {
        private readonly double _drainPerHour;
        private readonly double _fillPerHour;
        private readonly double _phOffset;
        private readonly double _batteryBase;
        private readonly int _rssiBase;
        private double _percent;
        private double _refillAt;
        private bool _filling;
        private double _tds;

        private float _levelCm;
        private float? _temperature;
        private int _tdsPpm;
        private float _ph;
        private float _battery;
        private short? _rssi;

        public TankSeries(int number, int readings, DateTime start, TimeSpan span)
            : base(number, number % 4 == 2 ? Device.Sump : Device.OverheadTank, readings, start, span)
        {
            var sump = Device == Device.Sump;
            MaxDepthCm = 10 * Random.Next(sump ? 20 : 15, sump ? 41 : 31);
            SensorOffsetCm = Random.Next(5, 21);
            LowLevelPercent = Random.Next(15, 26);
            CapacityLitres = 1000 * Random.Next(5, 51);
            _drainPerHour = 2 + 4 * Random.NextDouble();
            _fillPerHour = 15 + 20 * Random.NextDouble();
            _phOffset = Gaussian(0.3);
            _batteryBase = Chance(0.1) ? 3.45 : 3.75 + 0.3 * Random.NextDouble();
            _rssiBase = Random.Next(-105, -60);
            _percent = 30 + 60 * Random.NextDouble();
            _refillAt = NextRefillLevel();
            _tds = 200 + 250 * Random.NextDouble();
        }

        public double MaxDepthCm { get; }

        public double SensorOffsetCm { get; }

        public double LowLevelPercent { get; }

        public double CapacityLitres { get; }

        private double NextRefillLevel() => Chance(0.25) ? 4 + 10 * Random.NextDouble() : 25 + 15 * Random.NextDouble();

        private static double Peak(double hour, double centre) => Math.Exp(-Math.Pow(hour - centre, 2) / 2.0);

        protected override void Step(double seconds)
        {
            var hours = seconds / 3600;
            var demand = _drainPerHour * (0.4 + 1.8 * Peak(HourOfDay, 7.5) + 1.4 * Peak(HourOfDay, 19.5));
            _percent += (_filling ? _fillPerHour : 0) * hours - demand * hours;
            if (_filling && _percent >= 95)
            {
                _filling = false;
            }
            else if (!_filling && _percent <= _refillAt)
            {
                _filling = true;
                _refillAt = NextRefillLevel();
            }

            _percent = Math.Clamp(_percent, 0, 100);
            // Stored as real: the float value is the one the percent is computed from, as ingestion would.
            _levelCm = (float)Math.Clamp(_percent / 100 * MaxDepthCm + Gaussian(0.6), 0, MaxDepthCm);
            _temperature = Chance(0.01) ? null : (float)(27 + 4 * Math.Sin(2 * Math.PI * (HourOfDay - 9) / 24) + Gaussian(0.3));
            _tds = Math.Clamp(_tds + Gaussian(3), 80, 900);
            _tdsPpm = (int)Math.Round(_tds);
            _ph = (float)Math.Clamp(7.2 + _phOffset + Gaussian(0.08), 0, 14);
            _battery = (float)Math.Max(0, _batteryBase + 0.15 * Math.Sin(2 * Math.PI * (HourOfDay - 10) / 24) + Gaussian(0.01));
            _rssi = Chance(0.005) ? null : (short)Math.Clamp(_rssiBase + (int)Math.Round(Gaussian(3)), -120, -40);
        }

        public override void Write(NpgsqlBinaryImporter importer)
        {
            var percent = _levelCm / MaxDepthCm * 100;
            importer.Write(Id, NpgsqlDbType.Uuid);
            importer.Write(Timestamp, NpgsqlDbType.TimestampTz);
            importer.Write(_levelCm, NpgsqlDbType.Real);
            importer.Write((float)percent, NpgsqlDbType.Real);
            importer.Write(percent < LowLevelPercent, NpgsqlDbType.Boolean);
            Write(importer, _temperature, NpgsqlDbType.Real);
            importer.Write(_tdsPpm, NpgsqlDbType.Integer);
            importer.Write(_ph, NpgsqlDbType.Real);
            importer.Write(_battery, NpgsqlDbType.Real);
            Write(importer, _rssi, NpgsqlDbType.Smallint);
        }

        public override SeedReading Reading =>
            new TankSeedReading(Id, Timestamp, _levelCm, _temperature, _tdsPpm, _ph, _battery, _rssi, MaxDepthCm, LowLevelPercent);
    }

    /// <summary>
    /// A flow meter on a municipal supply: water in a morning and an evening window, a trickle (or a leak) otherwise.
    /// The cumulative counter restarts once in the middle of every node's series and very rarely elsewhere
    /// (meter replaced or rebooted); one reading in 300 lacks the counter.
    /// </summary>
    private sealed class FlowSeries : Series
    {
        private readonly double _morningStart;
        private readonly double _morningHours;
        private readonly double _eveningStart;
        private readonly double _eveningHours;
        private readonly double _supplyShare;
        private readonly double _leakLpm;
        private readonly int _resetAt;
        private int _step;
        private double _counter;
        private double? _previousCounter;

        private float _rate;
        private double? _cumulative;
        private float _pressure;
        private float? _temperature;
        private double? _volumeDelta;

        public FlowSeries(int number, int readings, DateTime start, TimeSpan span)
            : base(number, Device.FlowMeter, readings, start, span)
        {
            PipeDiameterMm = new[] { 25.0, 32, 40, 50, 80, 100 }[Random.Next(6)];
            PulsesPerLitre = new[] { 1.0, 2.5, 10 }[Random.Next(3)];
            MaxFlowRateLpm = 10 * Random.Next(12, 61);
            _morningStart = 5 + 2 * Random.NextDouble();
            _morningHours = 2 + 2 * Random.NextDouble();
            _eveningStart = 17 + 2 * Random.NextDouble();
            _eveningHours = 1 + 2 * Random.NextDouble();
            _supplyShare = 0.4 + 0.4 * Random.NextDouble();
            _leakLpm = Chance(0.1) ? 0.5 + 2.5 * Random.NextDouble() : 0;
            _resetAt = readings / 4 + Random.Next(Math.Max(1, readings / 2));
            _counter = 1e5 + 1e7 * Random.NextDouble();
        }

        public double PipeDiameterMm { get; }

        public double PulsesPerLitre { get; }

        public double MaxFlowRateLpm { get; }

        protected override void Step(double seconds)
        {
            var hour = HourOfDay;
            var supplied = (hour >= _morningStart && hour < _morningStart + _morningHours)
                || (hour >= _eveningStart && hour < _eveningStart + _eveningHours);
            _rate = (float)(supplied
                ? Math.Clamp(MaxFlowRateLpm * _supplyShare * (1 + Gaussian(0.08)), 0, MaxFlowRateLpm)
                : Chance(0.05) ? 2 + 8 * Random.NextDouble() : _leakLpm);
            var litres = _rate * seconds / 60;
            _counter = _step == _resetAt || Chance(1.0 / 20_000) ? litres * Random.NextDouble() : _counter + litres;
            _cumulative = Chance(1.0 / 300) ? null : Math.Round(_counter, 3);
            _pressure = (float)Math.Max(0, supplied ? 2.5 + Gaussian(0.3) : 0.4 + Gaussian(0.1));
            _temperature = Chance(0.01) ? null : (float)(25 + 2 * Math.Sin(2 * Math.PI * (hour - 10) / 24) + Gaussian(0.2));
            _volumeDelta = CounterIncrease(ref _previousCounter, _cumulative);
            _step++;
        }

        public override void Write(NpgsqlBinaryImporter importer)
        {
            importer.Write(Id, NpgsqlDbType.Uuid);
            importer.Write(Timestamp, NpgsqlDbType.TimestampTz);
            importer.Write(_rate, NpgsqlDbType.Real);
            Write(importer, _cumulative, NpgsqlDbType.Double);
            importer.Write(_pressure, NpgsqlDbType.Real);
            Write(importer, _temperature, NpgsqlDbType.Real);
            Write(importer, _volumeDelta, NpgsqlDbType.Double);
        }

        public override SeedReading Reading => new FlowSeedReading(Id, Timestamp, _rate, _cumulative, _pressure, _temperature);
    }

    /// <summary>
    /// A borewell pump: runs 45–180 minutes, rests 2–10 hours, faults now and then (stopping for up to two hours).
    /// The static level deepens a few metres over the span; drawdown while pumping. Energy counts while running;
    /// four meters in ten are replaced once (counter restarts).
    /// </summary>
    private sealed class DeepSeries : Series
    {
        private readonly double _staticBase;
        private readonly double _seasonalDrop;
        private readonly double _drawdown;
        private readonly double _ratedCurrent;
        private readonly int _resetAt;
        private int _step;
        private string _pumpState = "stopped";
        private double _stateSecondsLeft;
        private double _energy;
        private double? _previousEnergy;
        private string? _previousStatus;

        private float? _static;
        private float? _dynamic;
        private string? _status;
        private float _current;
        private float _voltage;
        private double? _energyKwh;
        private double? _energyDelta;
        private float? _runningSeconds;

        public DeepSeries(int number, int readings, DateTime start, TimeSpan span)
            : base(number, Device.Borewell, readings, start, span)
        {
            WellDepthM = 10 * Random.Next(12, 31);
            PumpRatingKw = new[] { 3.7, 5.5, 7.5, 11 }[Random.Next(4)];
            PumpDepthM = Math.Round(0.7 * WellDepthM, 1);
            _staticBase = 20 + 60 * Random.NextDouble();
            _seasonalDrop = 2 + 6 * Random.NextDouble();
            _drawdown = 5 + 15 * Random.NextDouble();
            _ratedCurrent = PumpRatingKw * 1000 / (230 * 0.85 * 3);
            _resetAt = Chance(0.4) ? Random.Next(readings) : -1;
            _stateSecondsLeft = 3600 * 10 * Random.NextDouble();
            _energy = 500 + 20_000 * Random.NextDouble();
        }

        public double WellDepthM { get; }

        public double PumpRatingKw { get; }

        public double PumpDepthM { get; }

        protected override void Step(double seconds)
        {
            // Energy of the interval that just ended, at the state it ran in.
            if (_pumpState == "running")
            {
                _energy += PumpRatingKw * (0.9 + 0.2 * Random.NextDouble()) * seconds / 3600;
            }

            _stateSecondsLeft -= seconds;
            if (_stateSecondsLeft <= 0)
            {
                (_pumpState, _stateSecondsLeft) = _pumpState switch
                {
                    "stopped" when Chance(0.02) => ("fault", 60 * (30 + 90 * Random.NextDouble())),
                    "stopped" => ("running", 60 * (45 + 135 * Random.NextDouble())),
                    _ => ("stopped", 3600 * (2 + 8 * Random.NextDouble())),
                };
            }

            if (_step == _resetAt)
            {
                _energy = 0;
            }

            var running = _pumpState == "running";
            var staticLevel = _staticBase + _seasonalDrop * _step / Readings + Gaussian(0.2);
            _static = Chance(0.01) ? null : (float)staticLevel;
            _dynamic = Chance(0.01) ? null : (float)(staticLevel + (running ? _drawdown + Gaussian(0.3) : 0.3 + Math.Abs(Gaussian(0.1))));
            _status = Chance(0.002) ? null : _pumpState;
            _current = running ? (float)(_ratedCurrent * (1 + Gaussian(0.04))) : 0f;
            _voltage = (float)(230 + Gaussian(6));
            _energyKwh = Chance(1.0 / 300) ? null : Math.Round(_energy, 3);
            _energyDelta = CounterIncrease(ref _previousEnergy, _energyKwh);
            _runningSeconds = Gap is { } gap ? (_previousStatus == "running" ? (float)Math.Min(gap, 900) : 0f) : null;
            _previousStatus = _status;
            _step++;
        }

        public override void Write(NpgsqlBinaryImporter importer)
        {
            importer.Write(Id, NpgsqlDbType.Uuid);
            importer.Write(Timestamp, NpgsqlDbType.TimestampTz);
            Write(importer, _static, NpgsqlDbType.Real);
            Write(importer, _dynamic, NpgsqlDbType.Real);
            if (_status is null)
            {
                importer.WriteNull();
            }
            else
            {
                importer.Write(_status, NpgsqlDbType.Text);
            }

            importer.Write(_current, NpgsqlDbType.Real);
            importer.Write(_voltage, NpgsqlDbType.Real);
            Write(importer, _energyKwh, NpgsqlDbType.Double);
            Write(importer, _energyDelta, NpgsqlDbType.Double);
            Write(importer, _runningSeconds, NpgsqlDbType.Real);
        }

        public override SeedReading Reading =>
            new DeepSeedReading(Id, Timestamp, _static, _dynamic, _status, _current, _voltage, _energyKwh);
    }

    /// <summary>
    /// telemetry.counter_increase against the previous non-null counter, which <paramref name="previous"/> tracks:
    /// null for the first counter (or a missing one), the difference when it grew, the whole value after a reset.
    /// </summary>
    private static double? CounterIncrease(ref double? previous, double? current)
    {
        if (current is not { } value)
        {
            return null;
        }

        var increase = previous is { } before ? (value >= before ? value - before : value) : (double?)null;
        previous = value;
        return increase;
    }
}
