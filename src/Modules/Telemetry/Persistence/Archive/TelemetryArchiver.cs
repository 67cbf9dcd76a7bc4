using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using EvaraTech.Infrastructure.Database;
using EvaraTech.Modules.Telemetry.Domain;
using Npgsql;

namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>
/// What one archiving pass did: objects written per dataset, rows archived, silent nodes whose raw readings went
/// early, and node-weeks that failed (logged; they stay in PostgreSQL and are tried again on the next pass).
/// </summary>
public sealed record ArchiveRun(IReadOnlyDictionary<string, int> ObjectsWritten, int RowsArchived, IReadOnlyList<Guid> SilentNodesDropped, int Failures);

/// <summary>
/// Archives telemetry before anything drops it: every (node, week) of a dataset past its retention whose rows are not
/// all in the archive yet (telemetry.unarchived_weeks) is written as one Parquet object, read back and verified
/// (checksum and row count), and only then entered in telemetry.archive_manifest, which is what every drop checks.
/// Each version of a week's object has a key of its own (its checksum in the name), and the earlier one is deleted only
/// after the manifest points at the new one, so a crash or a bad write never touches the copy the manifest trusts;
/// a crash before the record leaves the week unrecorded, and the next pass writes it again: never lost, never doubled.
/// A week archived before is merged with the week's rows, so rows that reached the database after it (a silent node's
/// late readings) join it. One failing week is logged and skipped; the others go on. Runs as the maintenance role.
/// </summary>
public sealed class TelemetryArchiver(IConfiguration configuration, IArchiveStore store, IOptions<ArchiveOptions> options, ILogger<TelemetryArchiver> logger)
{
    /// <summary>Archives every dataset's weeks past its retention at <paramref name="reference"/>, and silent nodes' raw readings, which it then drops.</summary>
    public async Task<ArchiveRun> RunAsync(DateTimeOffset reference, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionStrings.Migrations(configuration));
        await connection.OpenAsync(cancellationToken);
        var pass = new Pass();
        foreach (var dataset in ArchiveDataset.All)
        {
            var boundary = await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition(
                "SELECT telemetry.retention_boundary(@Dataset, @Reference)", new { Dataset = dataset.Name, Reference = reference },
                cancellationToken: cancellationToken));
            var weeks = await UnarchivedAsync(connection, null, dataset, boundary, null, cancellationToken);
            foreach (var (nodeId, weekStart) in weeks)
            {
                await pass.TryAsync(logger, dataset, nodeId, weekStart, async () =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
                    var archived = await ArchiveWeekAsync(connection, transaction, dataset, nodeId, weekStart, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    await RecordedAsync(pass, dataset, archived, cancellationToken);
                });
            }

            await WriteWeekManifestsAsync(connection, dataset, weeks.Select(w => w.WeekStart), cancellationToken);
        }

        foreach (var table in TelemetryTable.All)
        {
            var dataset = ArchiveDataset.Raw(table);
            foreach (var nodeId in await SilentNodesAsync(connection, table, reference - options.Value.SilentNodeDropAfter, cancellationToken))
            {
                await pass.TryAsync(logger, dataset, nodeId, null, async () =>
                {
                    var weeks = await ArchiveAndDropSilentNodeAsync(connection, dataset, nodeId, pass, cancellationToken);
                    pass.Silent.Add(nodeId);
                    await WriteWeekManifestsAsync(connection, dataset, weeks, cancellationToken);
                });
            }
        }

        return new ArchiveRun(pass.Objects, pass.Rows, pass.Silent, pass.Failures);
    }

    /// <summary>
    /// A silent node's raw readings, archived and deleted in one transaction under the node's ingestion lock, so what
    /// is deleted is exactly what was archived; the delete leaves the node's rollups as they are.
    /// </summary>
    /// <returns>the weeks archived</returns>
    private async Task<IReadOnlyList<DateTime>> ArchiveAndDropSilentNodeAsync(
        NpgsqlConnection connection, ArchiveDataset dataset, Guid nodeId, Pass pass, CancellationToken cancellationToken)
    {
        var archived = new List<ArchivedWeekObject>();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await TelemetryWriter.LockNodesAsync(connection, transaction, [nodeId], cancellationToken);
            foreach (var (_, weekStart) in await UnarchivedAsync(connection, transaction, dataset, null, nodeId, cancellationToken))
            {
                archived.Add(await ArchiveWeekAsync(connection, transaction, dataset, nodeId, weekStart, cancellationToken));
            }

            await connection.ExecuteAsync(new CommandDefinition("SET LOCAL telemetry.archive_drop = 'on'", transaction: transaction, cancellationToken: cancellationToken));
            var deleted = (await connection.QueryAsync<(DateTime WeekStart, int Rows)>(new CommandDefinition($"""
                WITH deleted AS (DELETE FROM {dataset.Relation} WHERE node_id = @NodeId RETURNING "timestamp")
                SELECT date_trunc('week', "timestamp", 'UTC'), count(*)::integer FROM deleted GROUP BY 1
                """, new { NodeId = nodeId }, transaction, cancellationToken: cancellationToken))).ToList();
            var accounted = (await connection.QueryAsync<(DateTime WeekStart, int StoredRows)>(new CommandDefinition("""
                SELECT week_start, stored_rows FROM telemetry.archive_manifest WHERE dataset = @Dataset AND node_id = @NodeId
                """, new { Dataset = dataset.Name, NodeId = nodeId }, transaction, cancellationToken: cancellationToken))).ToDictionary(w => w.WeekStart, w => w.StoredRows);
            if (deleted.Where(w => accounted.GetValueOrDefault(w.WeekStart) != w.Rows).Select(w => (DateTime?)w.WeekStart).FirstOrDefault() is { } week)
            {
                throw new ArchiveVerificationException($"Node {nodeId}'s week of {week:yyyy-MM-dd} holds rows its archive does not; nothing of the node was dropped.");
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE telemetry.archive_manifest SET stored_rows = 0 WHERE dataset = @Dataset AND node_id = @NodeId AND week_start = ANY (@Weeks)",
                new { Dataset = dataset.Name, NodeId = nodeId, Weeks = deleted.Select(w => w.WeekStart).ToArray() }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            logger.LogInformation("Dropped silent node {NodeId}'s raw readings ({Rows}), archived; its rollups stay", nodeId, deleted.Sum(w => w.Rows));
        }

        foreach (var week in archived)
        {
            await RecordedAsync(pass, dataset, week, cancellationToken);
        }

        return [.. archived.Select(w => w.WeekStart)];
    }

    private static async Task<IReadOnlyList<(Guid NodeId, DateTime WeekStart)>> UnarchivedAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, ArchiveDataset dataset, DateTime? before, Guid? node, CancellationToken cancellationToken) =>
        [.. await connection.QueryAsync<(Guid, DateTime)>(new CommandDefinition(
            "SELECT node_id, week_start FROM telemetry.unarchived_weeks(@Dataset, @Before, @Node)",
            new { Dataset = dataset.Name, Before = before, Node = node }, transaction, cancellationToken: cancellationToken))];

    /// <summary>One node's week: read in the transaction's snapshot, merged with its verified earlier object, written under a key of its own, verified, recorded.</summary>
    private async Task<ArchivedWeekObject> ArchiveWeekAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ArchiveDataset dataset, Guid nodeId, DateTime weekStart, CancellationToken cancellationToken)
    {
        var stored = await ReadWeekAsync(connection, transaction, dataset, nodeId, weekStart, cancellationToken);
        var earlier = await connection.QuerySingleOrDefaultAsync<(string ObjectKey, int RowCount, string Sha256)?>(new CommandDefinition(
            "SELECT object_key, row_count, sha256 FROM telemetry.archive_manifest WHERE dataset = @Dataset AND node_id = @NodeId AND week_start = @WeekStart",
            new { Dataset = dataset.Name, NodeId = nodeId, WeekStart = weekStart }, transaction, cancellationToken: cancellationToken));
        var rows = earlier is { } before ? Merge(await ReadObjectAsync(before.ObjectKey, before.RowCount, before.Sha256, cancellationToken), stored) : stored;

        var content = await ParquetWeek.WriteAsync(rows.Columns, rows.Rows, cancellationToken);
        var checksum = Convert.ToHexStringLower(SHA256.HashData(content));
        var key = dataset.ObjectKey(nodeId, weekStart, checksum);
        await store.PutAsync(key, content, ParquetWeek.ContentType, cancellationToken);
        await ReadObjectAsync(key, rows.Rows.Count, checksum, cancellationToken);

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
        return new ArchivedWeekObject(weekStart, stored.Rows.Count, earlier?.ObjectKey is { } replaced && replaced != key ? replaced : null);
    }

    private static async Task<ArchivedRows> ReadWeekAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, ArchiveDataset dataset, Guid nodeId, DateTime weekStart, CancellationToken cancellationToken)
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

    /// <summary>The object under <paramref name="key"/>, which must have <paramref name="checksum"/> and hold <paramref name="rows"/> rows.</summary>
    private async Task<ArchivedRows> ReadObjectAsync(string key, int rows, string checksum, CancellationToken cancellationToken)
    {
        var content = await store.GetAsync(key, cancellationToken)
            ?? throw new ArchiveVerificationException($"The archive object {key} is missing.");
        if (Convert.ToHexStringLower(SHA256.HashData(content)) != checksum)
        {
            throw new ArchiveVerificationException($"The archive object {key} differs from what was written.");
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

    /// <summary>Each week's manifest object: every node's object with its rows and checksum, so the archive describes itself.</summary>
    private async Task WriteWeekManifestsAsync(NpgsqlConnection connection, ArchiveDataset dataset, IEnumerable<DateTime> weeks, CancellationToken cancellationToken)
    {
        foreach (var weekStart in weeks.Distinct())
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

    /// <summary>Counts a recorded object and deletes the version it replaced (a leftover there costs space, never data).</summary>
    private async Task RecordedAsync(Pass pass, ArchiveDataset dataset, ArchivedWeekObject week, CancellationToken cancellationToken)
    {
        pass.Count(dataset, week.Rows);
        if (week.Replaced is { } replaced)
        {
            try
            {
                await store.DeleteAsync(replaced, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "The replaced archive object {Key} could not be deleted", replaced);
            }
        }
    }

    /// <summary>A week's object just recorded: its rows from the database, and the earlier version it replaced, deleted once recorded.</summary>
    private sealed record ArchivedWeekObject(DateTime WeekStart, int Rows, string? Replaced);

    /// <summary>One pass's tallies; a failing node-week is logged and counted, and the pass goes on.</summary>
    private sealed class Pass
    {
        public Dictionary<string, int> Objects { get; } = ArchiveDataset.All.ToDictionary(d => d.Name, _ => 0);

        public int Rows { get; private set; }

        public List<Guid> Silent { get; } = [];

        public int Failures { get; private set; }

        public async Task TryAsync(ILogger logger, ArchiveDataset dataset, Guid nodeId, DateTime? weekStart, Func<Task> work)
        {
            try
            {
                await work();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Failures++;
                logger.LogError(e, "Archiving {Dataset} of node {NodeId} ({Week}) failed; it stays in PostgreSQL until a later pass archives it",
                    dataset.Name, nodeId, weekStart?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "its raw readings");
            }
        }

        public void Count(ArchiveDataset dataset, int rows)
        {
            Objects[dataset.Name]++;
            Rows += rows;
        }
    }
}

/// <summary>An archive object is missing, or reads back other than written: nothing it covers may be dropped.</summary>
public sealed class ArchiveVerificationException(string message) : Exception(message);
