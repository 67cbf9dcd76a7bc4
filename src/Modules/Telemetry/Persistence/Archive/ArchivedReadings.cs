using Dapper;
using EvaraTech.Modules.Telemetry.Domain;

namespace EvaraTech.Modules.Telemetry.Persistence.Archive;

/// <summary>A node's archived week of raw readings.</summary>
public sealed record ArchivedWeek(DateTimeOffset Start, string ObjectKey, string Sha256)
{
    public DateTimeOffset End => Start + ArchiveDataset.Week;
}

/// <summary>
/// Raw readings read back from the archive for the export and the raw series, in the request's <see cref="DbSession"/>
/// (the manifest is scoped like the readings). A week is read whole from its object, which is slower than the
/// database; callers merge it with whatever rows of that week are still stored, the stored row winning.
/// </summary>
public sealed class ArchivedReadings(DbSession db, IArchiveStore store)
{
    /// <summary>The node's archived weeks overlapping [<paramref name="from"/>, <paramref name="to"/>), oldest first.</summary>
    public async Task<IReadOnlyList<ArchivedWeek>> WeeksAsync(Guid nodeId, TelemetryTable table, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var connection = await db.ConnectionAsync(cancellationToken);
        var weeks = await connection.QueryAsync<(DateTime Start, string ObjectKey, string Sha256)>(new CommandDefinition("""
            SELECT week_start, object_key, sha256 FROM telemetry.archive_manifest
            WHERE node_id = @NodeId AND dataset = @Dataset AND week_start < @To AND week_start > @From - interval '7 days'
            ORDER BY week_start
            """, new { NodeId = nodeId, Dataset = ArchiveDataset.Raw(table).Name, From = from, To = to }, db.Transaction, cancellationToken: cancellationToken));
        return [.. weeks.Select(w => new ArchivedWeek(w.Start, w.ObjectKey, w.Sha256))];
    }

    /// <summary>The week's readings in [<paramref name="from"/>, <paramref name="to"/>) with <paramref name="columns"/> (values as stored), by time.</summary>
    public async Task<SortedDictionary<DateTimeOffset, object?[]>> ReadAsync(
        ArchivedWeek week, IReadOnlyList<string> columns, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var content = await store.GetAsync(week.ObjectKey, cancellationToken)
            ?? throw new ArchiveVerificationException($"The archive object {week.ObjectKey} is missing.");
        if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)) != week.Sha256)
        {
            throw new ArchiveVerificationException($"The archive object {week.ObjectKey} differs from what was archived.");
        }

        var archived = await ParquetWeek.ReadAsync(content, cancellationToken);
        var time = archived.Ordinal("timestamp");
        var ordinals = columns.Select(archived.Ordinal).ToArray();
        var rows = new SortedDictionary<DateTimeOffset, object?[]>();
        foreach (var row in archived.Rows)
        {
            var at = new DateTimeOffset((DateTime)row[time]!);
            if (at >= from && at < to)
            {
                rows[at] = [.. ordinals.Select(o => row[o])];
            }
        }

        return rows;
    }
}
