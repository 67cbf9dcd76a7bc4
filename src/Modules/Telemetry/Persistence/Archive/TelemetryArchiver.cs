using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Domain;
using Npgsql;

namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>What one archiving pass did: objects written per dataset, and silent nodes whose raw readings went early.</summary>
public sealed record ArchiveRun(IReadOnlyDictionary<string, int> ObjectsWritten, int RowsArchived, IReadOnlyList<Guid> SilentNodesDropped);

/// <summary>
/// Archives telemetry before anything drops it: every (node, week) of a dataset past its retention whose rows are not
/// all in the archive yet (telemetry.unarchived_weeks) is written as one Parquet object, read back and verified
/// (checksum and row count), and only then entered in telemetry.archive_manifest, which is what every drop checks.
/// A crash anywhere leaves the week unrecorded, so the next pass writes it again under the same key: never lost,
/// never doubled. An object already archived is merged with the week's rows, so rows that reached the database
/// after it (a silent node's late readings) join it instead of replacing it. Runs as the maintenance role.
/// </summary>
public sealed class TelemetryArchiver(IConfiguration configuration, IArchiveStore store, IOptions<ArchiveOptions> options, ILogger<TelemetryArchiver> logger)
{
    /// <summary>Archives every dataset's weeks past its retention at <paramref name="reference"/>, and silent nodes' raw readings, which it then drops.</summary>
    public async Task<ArchiveRun> RunAsync(DateTimeOffset reference, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var written = new Dictionary<string, int>();
        var rows = 0;
        foreach (var dataset in ArchiveDataset.All)
        {
            var boundary = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
                "SELECT telemetry.retention_boundary(@Dataset, @Reference)", new { Dataset = dataset.Name, Reference = reference },
                cancellationToken: cancellationToken));
            var (objects, archived) = await ArchiveWeeksAsync(connection, dataset, boundary, null, cancellationToken);
            written[dataset.Name] = objects;
            rows += archived;
        }

        var silent = new List<Guid>();
        foreach (var table in TelemetryTable.All)
        {
            foreach (var node in await SilentNodesAsync(connection, table, reference - options.Value.SilentNodeDropAfter, cancellationToken))
            {
                var dataset = ArchiveDataset.Raw(table);
                var (objects, archived) = await ArchiveWeeksAsync(connection, dataset, null, node, cancellationToken);
                written[dataset.Name] += objects;
                rows += archived;
                if (await DropArchivedRawAsync(connection, dataset, node, cancellationToken))
                {
                    silent.Add(node);
                }
            }
        }

        return new ArchiveRun(written, rows, silent);
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(ConnectionStrings.Migrations(configuration));
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <returns>objects written and rows archived, for the weeks before <paramref name="before"/> (all, when null; of one node, when given) not all archived</returns>
    private async Task<(int Objects, int Rows)> ArchiveWeeksAsync(
        NpgsqlConnection connection, ArchiveDataset dataset, DateTimeOffset? before, Guid? node, CancellationToken cancellationToken)
    {
        var weeks = (await connection.QueryAsync<(Guid NodeId, DateTime WeekStart)>(new CommandDefinition(
            "SELECT node_id, week_start FROM telemetry.unarchived_weeks(@Dataset, @Before, @Node)",
            new { Dataset = dataset.Name, Before = before, Node = node },
            cancellationToken: cancellationToken))).ToList();
        var rows = 0;
        foreach (var (nodeId, weekStart) in weeks)
        {
            rows += await ArchiveWeekAsync(connection, dataset, nodeId, weekStart, cancellationToken);
        }

        foreach (var weekStart in weeks.Select(w => w.WeekStart).Distinct())
        {
            await WriteWeekManifestAsync(connection, dataset, weekStart, cancellationToken);
        }

        if (weeks.Count > 0)
        {
            logger.LogInformation("Archived {Objects} {Dataset} node-weeks ({Rows} rows)", weeks.Count, dataset.Name, rows);
        }

        return (weeks.Count, rows);
    }

    /// <summary>One node's week: read in one snapshot, merged with its earlier object, written, verified, then recorded.</summary>
    private async Task<int> ArchiveWeekAsync(
        NpgsqlConnection connection, ArchiveDataset dataset, Guid nodeId, DateTimeOffset weekStart, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var stored = await ReadWeekAsync(connection, transaction, dataset, nodeId, weekStart, cancellationToken);
        var key = dataset.ObjectKey(nodeId, weekStart);
        var earlier = await connection.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            "SELECT row_count FROM telemetry.archive_manifest WHERE dataset = @Dataset AND node_id = @NodeId AND week_start = @WeekStart",
            new { Dataset = dataset.Name, NodeId = nodeId, WeekStart = weekStart }, transaction, cancellationToken: cancellationToken));
        var rows = earlier is null ? stored : Merge(await ReadObjectAsync(key, earlier.Value, cancellationToken), stored);

        var content = await ParquetWeek.WriteAsync(rows.Columns, rows.Rows, cancellationToken);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(content));
        await store.PutAsync(key, content, ParquetWeek.ContentType, cancellationToken);
        await ReadObjectAsync(key, rows.Rows.Count, cancellationToken, checksum);

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO telemetry.archive_manifest (dataset, node_id, week_start, object_key, row_count, stored_rows, bytes, sha256)
            VALUES (@Dataset, @NodeId, @WeekStart, @Key, @Rows, @Stored, @Bytes, @Checksum)
            ON CONFLICT (dataset, node_id, week_start) DO UPDATE
            SET object_key = EXCLUDED.object_key, row_count = EXCLUDED.row_count, stored_rows = EXCLUDED.stored_rows,
                bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, archived_at = now()
            """, new
        {
            Dataset = dataset.Name, NodeId = nodeId, WeekStart = weekStart, Key = key, Rows = rows.Rows.Count, Stored = stored.Rows.Count,
            Bytes = (long)content.Length, Checksum = checksum,
        }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return stored.Rows.Count;
    }

    private static async Task<ArchivedRows> ReadWeekAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ArchiveDataset dataset, Guid nodeId, DateTimeOffset weekStart,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT * FROM {dataset.Relation}
            WHERE node_id = @NodeId AND {dataset.TimeColumn} >= @From AND {dataset.TimeColumn} < @To
            ORDER BY {dataset.TimeColumn}
            """, connection, transaction);
        command.Parameters.AddWithValue("NodeId", nodeId);
        command.Parameters.AddWithValue("From", weekStart);
        command.Parameters.AddWithValue("To", weekStart + ArchiveDataset.Week);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new ArchiveColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i) is Guid id ? id.ToString() : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return new ArchivedRows(columns, rows);
    }

    /// <summary>The object under <paramref name="key"/>, which must hold <paramref name="rows"/> rows (and, when given, have <paramref name="checksum"/>).</summary>
    private async Task<ArchivedRows> ReadObjectAsync(string key, int rows, CancellationToken cancellationToken, string? checksum = null)
    {
        var content = await store.GetAsync(key, cancellationToken)
            ?? throw new ArchiveVerificationException($"The archive object {key} is missing.");
        if (checksum is not null && Convert.ToHexStringLower(SHA256.HashData(content)) != checksum)
        {
            throw new ArchiveVerificationException($"The archive object {key} read back differs from what was written.");
        }

        var read = await ParquetWeek.ReadAsync(content, cancellationToken);
        return read.Rows.Count == rows
            ? read
            : throw new ArchiveVerificationException($"The archive object {key} holds {read.Rows.Count} rows, not {rows}.");
    }

    /// <summary>The earlier object's rows with the database's: the database's row wins where both have a time.</summary>
    private static ArchivedRows Merge(ArchivedRows archived, ArchivedRows stored)
    {
        const int time = 1; // every archived table starts with node_id and its time column
        var merged = new SortedDictionary<DateTime, object?[]>();
        foreach (var row in archived.Rows)
        {
            merged[(DateTime)row[time]!] = [.. stored.Columns.Select(c => row[archived.Ordinal(c.Name)])];
        }

        foreach (var row in stored.Rows)
        {
            merged[(DateTime)row[time]!] = row;
        }

        return new ArchivedRows(stored.Columns, [.. merged.Values]);
    }

    /// <summary>The week's manifest object: every node's object with its rows and checksum, so the archive describes itself.</summary>
    private async Task WriteWeekManifestAsync(NpgsqlConnection connection, ArchiveDataset dataset, DateTimeOffset weekStart, CancellationToken cancellationToken)
    {
        var objects = await connection.QueryAsync<(Guid NodeId, string ObjectKey, int RowCount, long Bytes, string Sha256, DateTime ArchivedAt)>(new CommandDefinition("""
            SELECT node_id, object_key, row_count, bytes, sha256, archived_at FROM telemetry.archive_manifest
            WHERE dataset = @Dataset AND week_start = @WeekStart ORDER BY node_id
            """, new { Dataset = dataset.Name, WeekStart = weekStart }, cancellationToken: cancellationToken));
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            dataset = dataset.Name,
            weekStart,
            weekEnd = weekStart + ArchiveDataset.Week,
            objects = objects.Select(o => new { nodeId = o.NodeId, key = o.ObjectKey, rows = o.RowCount, bytes = o.Bytes, sha256 = o.Sha256, archivedAt = o.ArchivedAt }),
        }, ManifestJson);
        await store.PutAsync(dataset.ManifestKey(weekStart), manifest, "application/json", cancellationToken);
    }

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    /// <summary>Nodes of <paramref name="table"/>'s type silent since before <paramref name="cutoff"/> that still have raw readings.</summary>
    private static async Task<IReadOnlyList<Guid>> SilentNodesAsync(NpgsqlConnection connection, TelemetryTable table, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<Guid>(new CommandDefinition($"""
            SELECT s.node_id FROM telemetry.device_states s
            WHERE s.telemetry_type = @Type AND s.last_reading_at < @Cutoff
              AND EXISTS (SELECT 1 FROM {table.RawTable} t WHERE t.node_id = s.node_id)
            ORDER BY s.node_id
            """, new { Type = table.Key, Cutoff = cutoff }, cancellationToken: cancellationToken))];

    /// <summary>
    /// Deletes a node's raw readings in one transaction, keeping its rollups, when every week deleted is exactly the
    /// rows its object accounts for; a reading that arrived meanwhile makes a count differ and nothing is deleted.
    /// </summary>
    private async Task<bool> DropArchivedRawAsync(NpgsqlConnection connection, ArchiveDataset dataset, Guid nodeId, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL telemetry.archive_drop = 'on'", transaction: transaction, cancellationToken: cancellationToken));
        var deleted = (await connection.QueryAsync<(DateTime WeekStart, int Rows)>(new CommandDefinition($"""
            WITH deleted AS (DELETE FROM {dataset.Relation} WHERE node_id = @NodeId RETURNING "timestamp")
            SELECT date_trunc('week', "timestamp", 'UTC'), count(*)::integer FROM deleted GROUP BY 1
            """, new { NodeId = nodeId }, transaction, cancellationToken: cancellationToken))).ToDictionary(w => w.WeekStart, w => w.Rows);
        var archived = (await connection.QueryAsync<(DateTime WeekStart, int StoredRows)>(new CommandDefinition("""
            SELECT week_start, stored_rows FROM telemetry.archive_manifest WHERE dataset = @Dataset AND node_id = @NodeId AND stored_rows > 0
            """, new { Dataset = dataset.Name, NodeId = nodeId }, transaction, cancellationToken: cancellationToken))).ToDictionary(w => w.WeekStart, w => w.StoredRows);
        if (deleted.Any(w => archived.GetValueOrDefault(w.Key) != w.Value))
        {
            await transaction.RollbackAsync(cancellationToken);
            logger.LogInformation("Kept node {NodeId}'s raw readings: readings arrived while they were archived", nodeId);
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE telemetry.archive_manifest SET stored_rows = 0 WHERE dataset = @Dataset AND node_id = @NodeId AND week_start = ANY (@Weeks)",
            new { Dataset = dataset.Name, NodeId = nodeId, Weeks = deleted.Keys.ToArray() }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Dropped silent node {NodeId}'s raw readings ({Rows}), archived; its rollups stay", nodeId, deleted.Values.Sum());
        return true;
    }
}

/// <summary>An archive object is missing, or reads back other than written: nothing it covers may be dropped.</summary>
public sealed class ArchiveVerificationException(string message) : Exception(message);
