using System.Globalization;
using System.Net;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Persistence;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The telemetry read API end to end: nodes arranged as the owner, readings stored by the module's own writer (binary
/// COPY), then every route as each tenant sees it, and bad input answered 400 (malformed) or 422 (invalid) naming the
/// parameter.
/// </summary>
public sealed class TelemetryApiTests : TenantWorldTest
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>A whole minute shortly before now, so readings up to it are accepted and lie in the past.</summary>
    private static readonly DateTimeOffset End = new(Now.UtcTicks - (Now.UtcTicks % TimeSpan.TicksPerMinute) - TimeSpan.TicksPerMinute, TimeSpan.Zero);

    private Guid _tank1;
    private Guid _tank2;
    private Guid _flow1;
    private Guid _quiet1;

    [SetUp]
    public async Task CreateNodesAsync()
    {
        _tank1 = await NodeAsync("tel-tank-1", "EvaraTank", World.Customer1, World.Distributor1, World.Community1);
        _tank2 = await NodeAsync("tel-tank-2", "EvaraTank", World.Customer2, World.Distributor2, World.Community2);
        _flow1 = await NodeAsync("tel-flow-1", "EvaraFlow", World.Customer1, World.Distributor1, World.Community1);
        _quiet1 = await NodeAsync("tel-quiet-1", "EvaraTank", World.Customer1, World.Distributor1, World.Community1);
    }

    private static Task<Guid> NodeAsync(string key, string analyticsType, Guid customer, Guid distributor, Guid community)
    {
        var node = NodeBuilder.OfCustomer(customer, community, distributor).Named(key, key).Kind(analyticsType == "EvaraFlow" ? "FlowMeter" : "OHT", analyticsType)
            .WithState();
        return (analyticsType == "EvaraTank" ? node.WithTank(400) : node).InsertAsync(Database);
    }

    /// <summary><paramref name="count"/> tank readings every <paramref name="every"/>, the last at <see cref="End"/>.</summary>
    private static IReadOnlyList<IReading> TankReadings(Guid node, int count, TimeSpan every) =>
        [.. Enumerable.Range(0, count).Select(i => (IReading)new TankReading(node, End - ((count - 1 - i) * every), 40 + (i % 30) * 7.5,
            TemperatureC: 25 + (i % 4) * 0.25, TdsPpm: 300 + i % 10, Ph: i % 5 == 0 ? null : 7.5, BatteryVoltage: 3.75, RssiDbm: -85)
            .Measured(new TankGeometry(400, 20)))];

    private static async Task WriteAsync(IReadOnlyList<IReading> readings)
    {
        await using var connection = new NpgsqlConnection(Platform.Database.AdminConnectionString);
        await connection.OpenAsync();
        await TelemetryScenario.WriteAsync(connection, [.. readings], Now, WireMode.BinaryCopy);
    }

    private static async Task RefreshRollupsAsync() => await Database.ExecuteAsync("SELECT count(*) FROM telemetry.refresh_rollups()");

    private static string Iso(DateTimeOffset value) => Uri.EscapeDataString(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private async Task<JsonElement> GetDataAsync(TestUser user, string path)
    {
        using var client = ClientWith(Tokens.For(user));
        return (await (await client.GetAsync(path)).ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
    }

    // ---- latest ---------------------------------------------------------------------------------------------------

    [Test]
    public async Task The_latest_reading_of_a_node_has_its_values_by_metric_and_units_and_answers_304_while_unchanged()
    {
        await WriteAsync(TankReadings(_tank1, 3, TimeSpan.FromMinutes(10)));
        using var client = ClientWith(Tokens.For(World.CustomerUser1));

        var response = await client.GetAsync($"/api/v1/nodes/{_tank1}/telemetry/latest");
        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        using var again = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/nodes/{_tank1}/telemetry/latest");
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        var notModified = await client.SendAsync(again);

        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("nodeId").GetGuid(), Is.EqualTo(_tank1));
            Assert.That(data.GetProperty("telemetryType").GetString(), Is.EqualTo("tank"));
            Assert.That(data.GetProperty("timestamp").GetDateTimeOffset(), Is.EqualTo(End));
            Assert.That(data.GetProperty("values").GetProperty("water_level_cm").GetDouble(), Is.EqualTo(40 + 2 * 7.5));
            Assert.That(data.GetProperty("values").GetProperty("water_level_percent").GetDouble(), Is.EqualTo(55 / 4.0));
            Assert.That(data.GetProperty("values").GetProperty("rssi_dbm").GetInt32(), Is.EqualTo(-85));
            Assert.That(data.GetProperty("units").GetProperty("water_level_cm").GetString(), Is.EqualTo("cm"));
            Assert.That(response.Headers.ETag, Is.Not.Null);
            Assert.That(notModified.StatusCode, Is.EqualTo(HttpStatusCode.NotModified));
        });
    }

    [Test]
    public async Task A_node_without_readings_has_a_latest_reading_with_no_time_and_no_values()
    {
        var data = await GetDataAsync(World.DistributorUser1, $"/api/v1/nodes/{_quiet1}/telemetry/latest");

        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("timestamp").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(data.GetProperty("values").EnumerateObject(), Is.Empty);
            Assert.That(data.GetProperty("telemetryType").GetString(), Is.EqualTo("tank"));
        });
    }

    [Test]
    public async Task Latest_for_many_nodes_holds_only_the_callers_nodes_in_the_order_asked()
    {
        await WriteAsync([.. TankReadings(_tank1, 2, TimeSpan.FromMinutes(5)), .. TankReadings(_tank2, 2, TimeSpan.FromMinutes(5)),
            new FlowReading(_flow1, End, 12.5, 1000, 1.5)]);
        var query = $"/api/v1/telemetry/latest?node_id={_tank2}&node_id={_flow1}&node_id={Guid.NewGuid()}&node_id={_tank1}&node_id={_quiet1}&node_id={_tank1}";

        var distributor1 = await GetDataAsync(World.DistributorUser1, query);
        var distributor2 = await GetDataAsync(World.DistributorUser2, query);
        var superadmin = await GetDataAsync(World.Superadmin, query);

        Guid[] Ids(JsonElement data) => [.. data.EnumerateArray().Select(e => e.GetProperty("nodeId").GetGuid())];
        Assert.Multiple(() =>
        {
            Assert.That(Ids(distributor1), Is.EqualTo(new[] { _flow1, _tank1, _quiet1 }));
            Assert.That(Ids(distributor2), Is.EqualTo(new[] { _tank2 }));
            Assert.That(Ids(superadmin), Is.EqualTo(new[] { _tank2, _flow1, _tank1, _quiet1 }));
            Assert.That(distributor1[0].GetProperty("values").GetProperty("flow_rate_lpm").GetDouble(), Is.EqualTo(12.5));
            Assert.That(distributor1[0].GetProperty("telemetryType").GetString(), Is.EqualTo("flow"));
            Assert.That(distributor1[2].GetProperty("timestamp").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [TestCase("", HttpStatusCode.UnprocessableEntity, TestName = "No node_id is 422 naming node_id")]
    [TestCase("node_id=not-a-uuid", HttpStatusCode.BadRequest, TestName = "A malformed node_id is 400 naming node_id")]
    [TestCase("many", HttpStatusCode.UnprocessableEntity, TestName = "More than 1000 node_id values are 422 naming node_id")]
    public async Task Bad_node_ids_are_refused_naming_node_id(string query, HttpStatusCode expected)
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var path = "/api/v1/telemetry/latest?" + (query == "many" ? string.Join('&', Enumerable.Range(0, 1001).Select(_ => $"node_id={Guid.NewGuid()}")) : query);

        var response = await client.GetAsync(path);

        Assert.That((await response.ReadEnvelopeAsync(expected)).Errors().Select(e => e.Field()), Is.EqualTo(new[] { "node_id" }));
    }

    // ---- series ---------------------------------------------------------------------------------------------------

    [TestCase(1, null, "raw")]
    [TestCase(6, null, "raw")]
    [TestCase(7, null, "hour")]
    [TestCase(60 * 24, null, "hour")]
    [TestCase(60 * 24 + 1, null, "day")]
    [TestCase(1, "hour", "hour")]
    [TestCase(72, "raw", "raw")]
    [TestCase(2, "day", "day")]
    public async Task Auto_resolution_follows_the_span_and_an_explicit_one_is_kept(int hours, string? resolution, string expected)
    {
        var from = End.AddHours(-hours);
        var data = await GetDataAsync(World.DistributorUser1,
            $"/api/v1/nodes/{_tank1}/telemetry?from={Iso(from)}&to={Iso(End)}{(resolution is null ? "" : "&resolution=" + resolution)}");

        Assert.That(data.GetProperty("resolution").GetString(), Is.EqualTo(expected));
    }

    [Test]
    public async Task Without_a_range_the_series_covers_the_last_24_hours_from_hourly_rollups()
    {
        var data = await GetDataAsync(World.DistributorUser1, $"/api/v1/nodes/{_tank1}/telemetry");

        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("resolution").GetString(), Is.EqualTo("hour"));
            Assert.That(data.GetProperty("to").GetDateTimeOffset() - data.GetProperty("from").GetDateTimeOffset(),
                Is.InRange(TimeSpan.FromHours(24), TimeSpan.FromHours(25)));
        });
    }

    [Test]
    public async Task A_raw_series_holds_the_stored_readings_of_the_metrics_asked_for()
    {
        var readings = TankReadings(_tank1, 30, TimeSpan.FromMinutes(10)).Cast<TankReading>().ToList();
        await WriteAsync(readings);

        var data = await GetDataAsync(World.CustomerUser1,
            $"/api/v1/nodes/{_tank1}/telemetry?from={Iso(End.AddHours(-5))}&to={Iso(End.AddMinutes(1))}&metrics=water_level_cm,ph");

        var points = data.GetProperty("points").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("resolution").GetString(), Is.EqualTo("raw"));
            Assert.That(points.Select(p => p.GetProperty("timestamp").GetDateTimeOffset()), Is.EqualTo(readings.Select(r => r.Timestamp)));
            Assert.That(points.Select(p => p.GetProperty("values").GetProperty("water_level_cm").GetDouble()), Is.EqualTo(readings.Select(r => r.WaterLevelCm)));
            Assert.That(points.Select(p => p.GetProperty("values").GetProperty("ph").ValueKind == JsonValueKind.Null ? (double?)null
                : p.GetProperty("values").GetProperty("ph").GetDouble()), Is.EqualTo(readings.Select(r => r.Ph)));
            Assert.That(points.Select(p => p.GetProperty("values").EnumerateObject().Count()), Is.All.EqualTo(2));
        });
    }

    [Test]
    public async Task An_hourly_series_reads_the_rollups_of_the_metrics_asked_for_from_the_start_of_the_first_hour()
    {
        var readings = TankReadings(_tank1, 6 * 20, TimeSpan.FromMinutes(10)).Cast<TankReading>().ToList();
        await WriteAsync(readings);
        await RefreshRollupsAsync();
        var from = End.AddHours(-12).AddMinutes(-5);

        var data = await GetDataAsync(World.DistributorUser1,
            $"/api/v1/nodes/{_tank1}/telemetry?from={Iso(from)}&to={Iso(End.AddMinutes(1))}&metrics=water_level_cm");

        var points = data.GetProperty("points").EnumerateArray().ToList();
        var firstHour = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
        var firstBucket = readings.Where(r => r.Timestamp >= firstHour && r.Timestamp < firstHour.AddHours(1)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("resolution").GetString(), Is.EqualTo("hour"));
            Assert.That(data.GetProperty("from").GetDateTimeOffset(), Is.EqualTo(firstHour));
            Assert.That(points[0].GetProperty("timestamp").GetDateTimeOffset(), Is.EqualTo(firstHour));
            Assert.That(points[0].GetProperty("readingCount").GetInt64(), Is.EqualTo(firstBucket.Count));
            Assert.That(points[0].GetProperty("values").GetProperty("avg_level_cm").GetDouble(), Is.EqualTo(firstBucket.Average(r => r.WaterLevelCm)).Within(1e-6));
            Assert.That(points[0].GetProperty("values").EnumerateObject().Select(p => p.Name),
                Is.EquivalentTo(new[] { "avg_level_cm", "min_level_cm", "max_level_cm" }));
            Assert.That(points.Sum(p => p.GetProperty("readingCount").GetInt64()), Is.EqualTo(readings.Count(r => r.Timestamp >= firstHour)));
        });
    }

    [Test]
    public async Task A_daily_series_of_all_metrics_holds_every_rollup_column_of_the_type()
    {
        await WriteAsync([new FlowReading(_flow1, End.AddHours(-1), 10, 100, 1.5), new FlowReading(_flow1, End, 20, 160, 2.0)]);
        await RefreshRollupsAsync();

        var data = await GetDataAsync(World.DistributorUser1,
            $"/api/v1/nodes/{_flow1}/telemetry?from={Iso(End.AddDays(-70))}&to={Iso(End.AddMinutes(1))}");

        var points = data.GetProperty("points").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("resolution").GetString(), Is.EqualTo("day"));
            Assert.That(points.Sum(p => p.GetProperty("readingCount").GetInt64()), Is.EqualTo(2));
            Assert.That(points[^1].GetProperty("values").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(
                TelemetryTable.Flow.Metrics.SelectMany(m => m.RollupColumns)));
        });
    }

    [Test]
    public async Task Raw_keyset_pages_walk_every_reading_exactly_once()
    {
        var readings = TankReadings(_tank1, 2000, TimeSpan.FromMinutes(2));
        await WriteAsync(readings);
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        var range = $"from={Iso(End.AddDays(-3))}&to={Iso(End.AddMinutes(1))}&resolution=raw&metrics=water_level_cm&limit=300";

        var seen = new List<DateTimeOffset>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var envelope = await (await client.GetAsync($"/api/v1/nodes/{_tank1}/telemetry?{range}{(cursor is null ? "" : "&cursor=" + cursor)}"))
                .ReadEnvelopeAsync(HttpStatusCode.OK);
            seen.AddRange(envelope.GetProperty("data").GetProperty("points").EnumerateArray().Select(p => p.GetProperty("timestamp").GetDateTimeOffset()));
            var pagination = envelope.GetProperty("meta").GetProperty("pagination");
            Assert.That(pagination.GetProperty("limit").GetInt32(), Is.EqualTo(300));
            cursor = pagination.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 20);

        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.EqualTo(7));
            Assert.That(seen, Is.EqualTo(readings.Select(r => r.Timestamp)), "every reading once, in time order");
        });
    }

    [TestCase("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.UnprocessableEntity, "from", TestName = "from after to is 422 naming from")]
    [TestCase("from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.UnprocessableEntity, "from", TestName = "from equal to to is 422 naming from")]
    [TestCase("from=2026-01-01T00:00:00Z&to=2026-01-09T00:00:00Z&resolution=raw", HttpStatusCode.UnprocessableEntity, "to", TestName = "A raw span over 7 days is 422 naming to")]
    [TestCase("from=2000-01-01T00:00:00Z&to=2026-01-09T00:00:00Z&resolution=hour", HttpStatusCode.UnprocessableEntity, "to", TestName = "An hourly span over the bucket cap is 422 naming to")]
    [TestCase("metrics=water_level_cm,flow_rate_lpm", HttpStatusCode.UnprocessableEntity, "metrics", TestName = "A metric of another type is 422 naming metrics")]
    [TestCase("metrics=level;DROP TABLE telemetry.telemetry_tank", HttpStatusCode.UnprocessableEntity, "metrics", TestName = "An unknown metric is 422 naming metrics")]
    [TestCase("metrics=rssi_dbm&resolution=hour", HttpStatusCode.UnprocessableEntity, "metrics", TestName = "A metric without rollups at hour is 422 naming metrics")]
    [TestCase("from=yesterday", HttpStatusCode.BadRequest, "from", TestName = "A malformed from is 400 naming from")]
    [TestCase("to=01/02/2026", HttpStatusCode.BadRequest, "to", TestName = "A non-ISO to is 400 naming to")]
    [TestCase("from=2026-13-01T00:00:00Z", HttpStatusCode.BadRequest, "from", TestName = "An impossible date is 400 naming from")]
    [TestCase("resolution=minute", HttpStatusCode.BadRequest, "resolution", TestName = "An unknown resolution is 400 naming resolution")]
    [TestCase("limit=0", HttpStatusCode.BadRequest, "limit", TestName = "limit 0 is 400 naming limit")]
    [TestCase("limit=5001", HttpStatusCode.BadRequest, "limit", TestName = "limit over 5000 is 400 naming limit")]
    [TestCase("limit=many", HttpStatusCode.BadRequest, "limit", TestName = "A malformed limit is 400 naming limit")]
    [TestCase("resolution=raw&cursor=not-a-cursor", HttpStatusCode.BadRequest, "cursor", TestName = "A malformed cursor is 400 naming cursor")]
    [TestCase("resolution=raw&cursor=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", HttpStatusCode.BadRequest, "cursor", TestName = "Another node's cursor is 400 naming cursor")]
    [TestCase("resolution=day&cursor=own", HttpStatusCode.BadRequest, "cursor", TestName = "A cursor on a rollup series is 400 naming cursor")]
    public async Task Bad_series_parameters_are_refused_naming_the_parameter(string query, HttpStatusCode expected, string field)
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        query = query.Replace("cursor=own", "cursor=" + Modules.Telemetry.Application.GetSeries.SeriesCursor.After(_tank1, End), StringComparison.Ordinal);

        var response = await client.GetAsync($"/api/v1/nodes/{_tank1}/telemetry?{query}");

        var error = (await response.ReadEnvelopeAsync(expected)).Errors().Single();
        Assert.Multiple(() =>
        {
            Assert.That(error.Field(), Is.EqualTo(field));
            Assert.That(error.Code(), Is.EqualTo("VALIDATION_ERROR"));
        });
    }

    // ---- export ---------------------------------------------------------------------------------------------------

    [Test]
    public async Task The_export_streams_the_stored_rows_as_csv()
    {
        await WriteAsync(TankReadings(_tank1, 3000, TimeSpan.FromMinutes(1)));
        using var client = ClientWith(Tokens.For(World.CustomerUser1));
        var from = End.AddDays(-3);
        var to = End.AddMinutes(1);

        using var response = await client.GetAsync($"/api/v1/nodes/{_tank1}/telemetry/export?from={Iso(from)}&to={Iso(to)}", HttpCompletionOption.ResponseHeadersRead);
        var lines = new List<string>();
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }
        }

        var expected = new List<string>();
        await using (var connection = new NpgsqlConnection(Platform.Database.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ',' ||
                       concat_ws(',', water_level_cm::text, coalesce(water_level_percent::text, ''), coalesce(temperature_c::text, ''),
                                 coalesce(tds_ppm::text, ''), coalesce(ph::text, ''), coalesce(battery_voltage::text, ''), coalesce(rssi_dbm::text, ''))
                FROM telemetry.telemetry_tank WHERE node_id = @node ORDER BY "timestamp"
                """, connection);
            command.Parameters.AddWithValue("node", _tank1);
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                expected.Add(rows.GetString(0));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
            Assert.That(response.Content.Headers.ContentDisposition!.DispositionType, Is.EqualTo("attachment"));
            Assert.That(response.Content.Headers.ContentDisposition!.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName,
                Does.Contain(_tank1.ToString()));
            Assert.That(response.Content.Headers.ContentLength, Is.Null, "streamed, not buffered to a known length");
            Assert.That(lines[0], Is.EqualTo("timestamp,water_level_cm,water_level_percent,temperature_c,tds_ppm,ph,battery_voltage,rssi_dbm"));
            Assert.That(lines, Has.Count.EqualTo(3001));
            Assert.That(lines.Skip(1), Is.EqualTo(expected));
        });
    }

    [TestCase("from=2026-01-01T00:00:00Z&to=2026-04-02T00:00:00Z", HttpStatusCode.UnprocessableEntity, "to", TestName = "An export over 90 days is 422 naming to")]
    [TestCase("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", HttpStatusCode.UnprocessableEntity, "from", TestName = "An export from after to is 422 naming from")]
    [TestCase("from=2026-01-01T00:00:00&to=2026-01-01 12:00", HttpStatusCode.BadRequest, "to", TestName = "An export with a malformed to is 400 naming to")]
    public async Task Bad_export_ranges_are_refused_naming_the_parameter(string query, HttpStatusCode expected, string field)
    {
        using var client = ClientWith(Tokens.For(World.DistributorUser1));

        var response = await client.GetAsync($"/api/v1/nodes/{_tank1}/telemetry/export?{query}");

        Assert.That((await response.ReadEnvelopeAsync(expected)).Errors().Single().Field(), Is.EqualTo(field));
    }

    // ---- health ---------------------------------------------------------------------------------------------------

    [Test]
    public async Task Health_shows_every_part_and_the_score_of_the_stored_inputs()
    {
        await WriteAsync(TankReadings(_tank1, 50, TimeSpan.FromMinutes(15)));
        var stored = new HealthInputs(End, 50, 3.75, -85, 0);

        var data = await GetDataAsync(World.CustomerUser1, $"/api/v1/nodes/{_tank1}/health");

        var computedAt = data.GetProperty("computedAt").GetDateTimeOffset();
        var expected = HealthScore.Compute(stored, computedAt);
        var parts = data.GetProperty("parts").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("nodeId").GetGuid(), Is.EqualTo(_tank1));
            Assert.That(data.GetProperty("lastReadingAt").GetDateTimeOffset(), Is.EqualTo(End));
            Assert.That(data.GetProperty("readings24h").GetInt32(), Is.EqualTo(50));
            Assert.That(data.GetProperty("primaryMetric").GetString(), Is.EqualTo("water_level_percent"));
            Assert.That(data.GetProperty("primaryAverage24h").GetDouble(), Is.GreaterThan(0));
            Assert.That(data.GetProperty("score").GetDouble(), Is.EqualTo(expected.Score));
            Assert.That(data.GetProperty("confidence").GetDouble(), Is.EqualTo(expected.Confidence));
            Assert.That(parts.Select(p => p.GetProperty("name").GetString()), Is.EqualTo(expected.Parts.Select(p => p.Name)));
            Assert.That(parts.Select(p => p.GetProperty("weight").GetDouble()), Is.EqualTo(expected.Parts.Select(p => p.Weight)));
            Assert.That(parts.Select(p => p.GetProperty("score").GetDouble()), Is.EqualTo(expected.Parts.Select(p => p.Score!.Value)).Within(1e-9));
            Assert.That(parts.Select(p => p.GetProperty("basis").GetString()), Is.All.Not.Empty);
        });
    }

    [Test]
    public async Task A_node_without_state_is_scored_on_empty_inputs()
    {
        var data = await GetDataAsync(World.DistributorUser1, $"/api/v1/nodes/{_quiet1}/health");

        var expected = HealthScore.Compute(new HealthInputs(null, 0, null, null, 0), data.GetProperty("computedAt").GetDateTimeOffset());
        Assert.Multiple(() =>
        {
            Assert.That(data.GetProperty("score").GetDouble(), Is.EqualTo(expected.Score));
            Assert.That(data.GetProperty("confidence").GetDouble(), Is.EqualTo(0));
            Assert.That(data.GetProperty("lastReadingAt").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(data.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("score").ValueKind),
                Is.EqualTo(new[] { JsonValueKind.Number, JsonValueKind.Number, JsonValueKind.Null, JsonValueKind.Null, JsonValueKind.Number }));
        });
    }

    // ---- scope ----------------------------------------------------------------------------------------------------

    [TestCase("/telemetry/latest")]
    [TestCase("/telemetry")]
    [TestCase("/telemetry?resolution=raw")]
    [TestCase("/telemetry/export")]
    [TestCase("/health")]
    public async Task Another_tenants_node_is_not_found_on_every_route(string route)
    {
        await WriteAsync(TankReadings(_tank2, 3, TimeSpan.FromMinutes(10)));
        using var client = ClientWith(Tokens.For(World.DistributorUser1));
        using var customer = ClientWith(Tokens.For(World.CustomerUser1));

        var other = await client.GetAsync($"/api/v1/nodes/{_tank2}{route}");
        var missing = await customer.GetAsync($"/api/v1/nodes/{Guid.NewGuid()}{route}");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((await other.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single().Code(), Is.EqualTo("NOT_FOUND"));
            Assert.That((await missing.ReadEnvelopeAsync(HttpStatusCode.NotFound)).Errors().Single().Code(), Is.EqualTo("NOT_FOUND"));
        });
    }
}
