using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Telemetry.Domain;
using EvaraTech.Modules.Telemetry.Jobs;
using EvaraTech.Modules.Telemetry.Persistence;
using EvaraTech.Modules.Telemetry.Persistence.Archive;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EvaraTech.IntegrationTests.Telemetry;

/// <summary>
/// The telemetry archive: weeks past the retention are written as Parquet, verified and only then dropped; the export
/// and the raw series read them back as they were stored; a crash mid-archive neither loses nor doubles a week; a
/// silent node's raw readings go early while its rollups stay; the same against a real S3-protocol server.
/// </summary>
[NonParallelizable]
public sealed class TelemetryArchiveTests : TenantWorldTest
{
    private const int ReadingsPerWeek = 7 * 24 * 6;

    /// <summary>A Monday 20 weeks back: past the 90-day retention.</summary>
    private static readonly DateTimeOffset OldWeek = Monday(DateTimeOffset.UtcNow.AddDays(-140));

    private Guid _tank1;
    private Guid _tank2;

    private static TelemetryPartitionMaintenance Lifecycle => Platform.Api.Services.GetRequiredService<TelemetryPartitionMaintenance>();

    [SetUp]
    public async Task CreateNodesAsync()
    {
        _tank1 = await NodeBuilder.OfCustomer(World.Customer1, World.Community1, World.Distributor1).Named("arc-tank-1", "arc-tank-1")
            .Kind("OHT", "EvaraTank").WithState().WithTank(400).InsertAsync(Database);
        _tank2 = await NodeBuilder.OfCustomer(World.Customer2, World.Community2, World.Distributor2).Named("arc-tank-2", "arc-tank-2")
            .Kind("OHT", "EvaraTank").WithState().WithTank(400).InsertAsync(Database);
        // Partitions back to 200 days, so readings of the old week have a week to land in (retention then drops them).
        await Database.ExecuteAsync("SELECT count(*) FROM telemetry.maintain_partitions(interval '200 days')");
    }

    [Test]
    public async Task Weeks_past_the_retention_are_archived_verified_dropped_and_read_back_as_stored()
    {
        await WriteWeekAsync(_tank1, OldWeek);
        await Database.ExecuteAsync("SELECT count(*) FROM telemetry.refresh_rollups()");
        var hourly = await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank_hourly WHERE node_id = '{_tank1}'");
        using var client = ClientWith(Tokens.For(World.CustomerUser1));
        var exportBefore = await ExportAsync(client, _tank1, OldWeek, OldWeek.AddDays(7));
        var seriesBefore = await RawSeriesAsync(client, _tank1, OldWeek, OldWeek.AddDays(7));

        var changes = await Lifecycle.RunAsync(CancellationToken.None);

        var manifest = await ManifestAsync(_tank1);
        var store = Platform.Api.Services.GetRequiredService<IArchiveStore>();
        var content = await store.GetAsync(manifest.ObjectKey, CancellationToken.None);
        var weekManifest = JsonDocument.Parse((await store.GetAsync($"telemetry/tank/{OldWeek:yyyy-MM-dd}/manifest.json", CancellationToken.None))!);
        using var exportAfter = await client.GetAsync(ExportUrl(_tank1, OldWeek, OldWeek.AddDays(7)));
        var exported = await exportAfter.Content.ReadAsStringAsync();
        var seriesAfter = await RawSeriesAsync(client, _tank1, OldWeek, OldWeek.AddDays(7));
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(changes, Does.Contain(("dropped", $"telemetry_tank_{OldWeek:yyyyMMdd}")));
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{_tank1}'"), Is.Zero);
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank_hourly WHERE node_id = '{_tank1}'"), Is.EqualTo(hourly),
                "rollups outlive the raw rows");
            Assert.That(manifest, Is.EqualTo(manifest with { RowCount = ReadingsPerWeek, StoredRows = ReadingsPerWeek }));
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(content!)), Is.EqualTo(manifest.Sha256), "the manifest's checksum is the object's");
            Assert.That((await ParquetWeek.ReadAsync(content!, CancellationToken.None)).Rows, Has.Count.EqualTo(ReadingsPerWeek));
            Assert.That(weekManifest.RootElement.GetProperty("objects")[0].GetProperty("rows").GetInt32(), Is.EqualTo(ReadingsPerWeek));

            Assert.That(exportAfter.Headers.GetValues("Archived-Ranges").Single(),
                Is.EqualTo($"{OldWeek.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}/{OldWeek.AddDays(7).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}"));
            Assert.That(Lines(exported), Is.EqualTo(exportBefore.Select((line, i) => i == 0 ? line + ",archived" : line + ",true")),
                "the export reads back every value as it was stored, each line marked archived");
            Assert.That(seriesAfter.GetProperty("points").GetRawText(), Is.EqualTo(seriesBefore.GetProperty("points").GetRawText()));
            Assert.That(seriesAfter.GetProperty("archivedRanges").GetArrayLength(), Is.EqualTo(1));
            Assert.That(seriesBefore.GetProperty("archivedRanges").GetArrayLength(), Is.Zero);
        });
    }

    [Test]
    public async Task A_crash_between_writing_and_recording_an_object_rewrites_that_week_once_and_nothing_goes_before()
    {
        await WriteWeekAsync(_tank1, OldWeek);
        await WriteWeekAsync(_tank2, OldWeek);
        var store = Platform.Api.Services.GetRequiredService<IArchiveStore>();

        // The second object is written, then its read-back fails as a process dying there would stop.
        var crashing = await Archiver(new FailingStore(store, failOnRead: 2)).RunAsync(DateTimeOffset.UtcNow, CancellationToken.None);
        var afterCrash = await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.archive_manifest");
        var kept = await Database.ScalarAsync<string>("SELECT string_agg(action, ',') FROM telemetry.maintain_partitions() WHERE partition_name = 'telemetry_tank_' || @Week",
            ("Week", OldWeek.ToString("yyyyMMdd", CultureInfo.InvariantCulture)));
        var rowsAfterCrash = await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank");

        var changes = await Lifecycle.RunAsync(CancellationToken.None);

        var objects = new List<int>();
        foreach (var node in new[] { _tank1, _tank2 })
        {
            objects.Add((await ParquetWeek.ReadAsync((await store.GetAsync((await ManifestAsync(node)).ObjectKey, CancellationToken.None))!, CancellationToken.None)).Rows.Count);
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(crashing.Failures, Is.EqualTo(1), "the failed week is reported, and the pass went on");
            Assert.That(afterCrash, Is.EqualTo(1), "only the verified object was recorded");
            Assert.That(kept, Is.EqualTo("kept"), "a week not wholly archived is not dropped");
            Assert.That(rowsAfterCrash, Is.EqualTo(2 * ReadingsPerWeek));
            Assert.That(changes, Does.Contain(("dropped", $"telemetry_tank_{OldWeek:yyyyMMdd}")));
            Assert.That(objects, Is.EqualTo(new[] { ReadingsPerWeek, ReadingsPerWeek }), "each week once: neither lost nor doubled");
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.archive_manifest WHERE row_count = @Rows", ("Rows", ReadingsPerWeek)), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task An_object_that_reads_back_other_than_written_is_never_recorded_and_its_week_stays()
    {
        await WriteWeekAsync(_tank1, OldWeek);
        var store = Platform.Api.Services.GetRequiredService<IArchiveStore>();

        var corrupting = await Archiver(new FailingStore(store, corruptWrites: true)).RunAsync(DateTimeOffset.UtcNow, CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(corrupting.Failures, Is.EqualTo(1));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.archive_manifest"), Is.Zero);
            Assert.That(await Database.ScalarAsync<string>("SELECT string_agg(action, ',') FROM telemetry.maintain_partitions() WHERE partition_name = 'telemetry_tank_' || @Week",
                ("Week", OldWeek.ToString("yyyyMMdd", CultureInfo.InvariantCulture))), Is.EqualTo("kept"));
            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM telemetry.telemetry_tank"), Is.EqualTo(ReadingsPerWeek));
        });
    }

    [Test]
    public async Task A_silent_node_loses_its_raw_readings_early_but_not_its_rollups_and_a_late_reading_joins_its_archive()
    {
        var week = Monday(DateTimeOffset.UtcNow.AddDays(-45));
        await WriteWeekAsync(_tank1, week);
        await Database.ExecuteAsync("SELECT count(*) FROM telemetry.refresh_rollups()");
        await Database.ExecuteAsync($"UPDATE telemetry.device_states SET last_reading_at = '{week.AddDays(7).AddMinutes(-10):O}' WHERE node_id = '{_tank1}'");
        var hourly = await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank_hourly WHERE node_id = '{_tank1}'");
        using var client = ClientWith(Tokens.For(World.CustomerUser1));
        var exportBefore = await ExportAsync(client, _tank1, week, week.AddDays(7));

        await Lifecycle.RunAsync(CancellationToken.None);
        var rawAfterDrop = await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{_tank1}'");
        await Database.ExecuteAsync("SELECT count(*) FROM telemetry.refresh_rollups()");
        var hourlyAfterDrop = await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank_hourly WHERE node_id = '{_tank1}'");
        var dropped = await ManifestAsync(_tank1);

        // A reading from that week arrives late (a device's backlog): it joins the archived object instead of replacing it.
        var hourlyValues = await HourlyAsync(_tank1);
        await WriteAsync([new TankReading(_tank1, week.AddMinutes(5), 123.5)], week.AddDays(8));
        await Database.ExecuteAsync("SELECT count(*) FROM telemetry.refresh_rollups()");
        var hourlyAfterLate = await HourlyAsync(_tank1);
        await Lifecycle.RunAsync(CancellationToken.None);
        var merged = await ManifestAsync(_tank1);
        var objects = Directory.GetFiles(Path.Combine(ArchiveFolder, "telemetry", "tank", $"{week:yyyy-MM-dd}"), "*.parquet");
        var exportAfter = Lines(await (await client.GetAsync(ExportUrl(_tank1, week, week.AddDays(7)))).Content.ReadAsStringAsync());

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(rawAfterDrop, Is.Zero);
            Assert.That(hourlyAfterDrop, Is.EqualTo(hourly), "the rollups stay, even after a refresh");
            Assert.That(dropped, Is.EqualTo(dropped with { RowCount = ReadingsPerWeek, StoredRows = 0 }));
            Assert.That(hourlyAfterLate, Is.EqualTo(hourlyValues), "a late reading of a week dropped early never re-aggregates its rollups from what is left");
            Assert.That(merged.RowCount, Is.EqualTo(ReadingsPerWeek + 1));
            Assert.That(merged.ObjectKey, Is.Not.EqualTo(dropped.ObjectKey), "the merged week is a new version under a key of its own");
            Assert.That(objects.Select(Path.GetFileName), Is.EqualTo(new[] { Path.GetFileName(merged.ObjectKey) }), "the replaced version is deleted once the new one is recorded");
            Assert.That(await Database.ScalarAsync<long>($"SELECT count(*) FROM telemetry.telemetry_tank WHERE node_id = '{_tank1}'"), Is.Zero,
                "the late reading, archived, went too");
            Assert.That(exportAfter, Has.Count.EqualTo(exportBefore.Count + 1));
            Assert.That(exportAfter.Skip(1).Where(l => l.EndsWith(",true", StringComparison.Ordinal)).Count(), Is.EqualTo(ReadingsPerWeek + 1));
            Assert.That(exportAfter.Skip(1).Where(l => l != exportAfter[2] && !exportBefore.Contains(l[..^",true".Length])), Is.Empty,
                "every earlier line is read back unchanged");
            Assert.That(exportAfter, Has.Some.StartsWith($"{week.AddMinutes(5).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},123.5,"));
        });
    }

    [Test]
    public async Task Against_a_real_S3_protocol_server_the_archive_round_trips_the_same()
    {
        await using var s3 = await S3TestServer.StartAsync();
        await using var api = ApiFactory.For(Database, s3.ArchiveSettings);
        await WriteWeekAsync(_tank1, OldWeek);
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Tokens.For(World.CustomerUser1));
        var exportBefore = await ExportAsync(client, _tank1, OldWeek, OldWeek.AddDays(7));

        var changes = await api.Services.GetRequiredService<TelemetryPartitionMaintenance>().RunAsync(CancellationToken.None);

        var manifest = await ManifestAsync(_tank1);
        using var s3Client = new AmazonS3Client(new BasicAWSCredentials(S3TestServer.AccessKey, S3TestServer.SecretKey),
            new AmazonS3Config { ServiceURL = s3.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        var listed = await s3Client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = S3TestServer.Bucket, Prefix = "telemetry/tank/" });
        var exportAfter = Lines(await (await client.GetAsync(ExportUrl(_tank1, OldWeek, OldWeek.AddDays(7)))).Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(changes, Does.Contain(("dropped", $"telemetry_tank_{OldWeek:yyyyMMdd}")));
            Assert.That(listed.S3Objects.Select(o => o.Key), Is.EquivalentTo(new[] { manifest.ObjectKey, $"telemetry/tank/{OldWeek:yyyy-MM-dd}/manifest.json" }));
            Assert.That(listed.S3Objects.Single(o => o.Key == manifest.ObjectKey).Size, Is.EqualTo(manifest.Bytes));
            Assert.That(exportAfter, Is.EqualTo(exportBefore.Select((line, i) => i == 0 ? line + ",archived" : line + ",true")));
        });
    }

    // ---- arrangement ----------------------------------------------------------------------------------------------

    private static string ArchiveFolder => Platform.Api.Services.GetRequiredService<IOptions<ArchiveOptions>>().Value.Directory;

    private static Task<string?> HourlyAsync(Guid node) => Database.ScalarAsync<string>(
        $"SELECT string_agg(bucket::text || ':' || reading_count || ':' || avg_level_cm, ',' ORDER BY bucket) FROM telemetry.telemetry_tank_hourly WHERE node_id = '{node}'");

    private sealed record ManifestRow(string ObjectKey, int RowCount, int StoredRows, long Bytes, string Sha256);

    private static async Task<ManifestRow> ManifestAsync(Guid node)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT object_key, row_count, stored_rows, bytes, sha256 FROM telemetry.archive_manifest WHERE dataset = 'tank' AND node_id = @Node", connection);
        command.Parameters.AddWithValue("Node", node);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True, $"node {node} has an archived week");
        return new ManifestRow(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt64(3), reader.GetString(4));
    }

    /// <summary>
    /// A reading every ten minutes through the week, values with fractions, nulls and extremes, as ingestion stores them;
    /// the node still reports today, so its week goes by retention, not as a silent node's.
    /// </summary>
    private static async Task WriteWeekAsync(Guid node, DateTimeOffset week)
    {
        await WriteAsync([.. Enumerable.Range(0, ReadingsPerWeek).Select(i => (IReading)new TankReading(node, week.AddMinutes(10 * i), 40.1 + (i % 37) * 7.3,
            TemperatureC: i % 11 == 0 ? null : 24.05 + (i % 4) * 0.33, TdsPpm: 300 + i % 10, Ph: i % 5 == 0 ? null : 7.1,
            BatteryVoltage: 3.3 + (i % 7) * 0.01, RssiDbm: -120 + i % 90).Measured(new TankGeometry(400, 20)))], week.AddDays(8));
        await Database.ExecuteAsync($"UPDATE telemetry.device_states SET last_reading_at = now() WHERE node_id = '{node}'");
    }

    private static async Task WriteAsync(IReadOnlyList<IReading> readings, DateTimeOffset now)
    {
        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        await TelemetryScenario.WriteAsync(connection, [.. readings], now, WireMode.BinaryCopy);
    }

    private static TelemetryArchiver Archiver(IArchiveStore store) =>
        new(Platform.Api.Services.GetRequiredService<IConfiguration>(), store, Options.Create(new ArchiveOptions()), NullLogger<TelemetryArchiver>.Instance);

    private static string ExportUrl(Guid node, DateTimeOffset from, DateTimeOffset to) =>
        $"/api/v1/nodes/{node}/telemetry/export?from={Iso(from)}&to={Iso(to)}";

    private static async Task<IReadOnlyList<string>> ExportAsync(HttpClient client, Guid node, DateTimeOffset from, DateTimeOffset to)
    {
        using var response = await client.GetAsync(ExportUrl(node, from, to));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return Lines(await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> RawSeriesAsync(HttpClient client, Guid node, DateTimeOffset from, DateTimeOffset to)
    {
        using var response = await client.GetAsync($"/api/v1/nodes/{node}/telemetry?resolution=raw&limit=5000&from={Iso(from)}&to={Iso(to)}");
        return (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
    }

    private static List<string> Lines(string csv) => [.. csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries)];

    private static string Iso(DateTimeOffset value) => Uri.EscapeDataString(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    private static DateTimeOffset Monday(DateTimeOffset day) =>
        new(day.UtcDateTime.Date.AddDays(-(((int)day.UtcDateTime.DayOfWeek + 6) % 7)), TimeSpan.Zero);

    /// <summary>
    /// The real store with one failure injected: the <c>failOnRead</c>-th read-back throws as a process dying right
    /// after its write would stop, or every write lands with one byte changed (a store returning other than it took).
    /// </summary>
    private sealed class FailingStore(IArchiveStore store, int failOnRead = 0, bool corruptWrites = false) : IArchiveStore
    {
        private int _reads;

        public Task PutAsync(string key, byte[] content, string contentType, CancellationToken cancellationToken)
        {
            if (corruptWrites && key.EndsWith(".parquet", StringComparison.Ordinal))
            {
                content = [.. content];
                content[content.Length / 2] ^= 0xFF;
            }

            return store.PutAsync(key, content, contentType, cancellationToken);
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
            ++_reads == failOnRead ? throw new IOException("The archiving process died.") : store.GetAsync(key, cancellationToken);

        public Task DeleteAsync(string key, CancellationToken cancellationToken) => store.DeleteAsync(key, cancellationToken);
    }
}
