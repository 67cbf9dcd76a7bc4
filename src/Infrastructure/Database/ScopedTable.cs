using Dapper;
using EvaraTech.Application.Paging;
using EvaraTech.Domain;

namespace EvaraTech.Infrastructure.Database;

/// <summary>How one tenant-owned table is read and scoped: its columns, its ownership path, what may be sorted and searched.</summary>
public sealed record TableSpec(
    string Resource,
    string Table,
    string Columns,
    Ownership Ownership,
    IReadOnlyDictionary<string, string> SortColumns,
    string SearchColumn,
    IReadOnlyDictionary<string, (string Message, string? Field)> Conflicts);

/// <summary>
/// The reads, versioned writes and deletes every tenant-owned table shares, always under the caller's scope. The table
/// alias in every statement is <c>t</c>; SQL text comes only from the spec, never from input.
/// </summary>
public sealed class ScopedTable<TRow>(DbSession db, TableSpec spec)
    where TRow : class
{
    public const string DefaultSort = "-created_at";

    public async Task<TRow?> FindAsync(Guid id, TenantScope scope, CancellationToken ct)
    {
        var parameters = ScopeFilter.Parameters(scope);
        parameters.Add("Id", id);
        var sql = $"SELECT {spec.Columns} FROM {spec.Table} t WHERE t.id = @Id AND {Scope(scope)}";
        return await (await db.ConnectionAsync(ct)).QuerySingleOrDefaultAsync<TRow>(Command(sql, parameters, ct));
    }

    /// <param name="filter">an extra predicate over <c>t</c> with its parameters (e.g. a parent id), or null</param>
    public async Task<Page<TRow>> ListAsync(
        TenantScope scope, string? filter, object? filterParameters, string? search, string? sort, PageRequest page, CancellationToken ct)
    {
        var parameters = ScopeFilter.Parameters(scope, filterParameters);
        parameters.Add("Limit", page.Limit);
        parameters.Add("Offset", page.Offset);
        // Only the conditions given, so each combination keeps a generic plan of its own.
        List<string> conditions = [ScopeFilter.Sql(scope, spec.Ownership)];
        if (search is not null)
        {
            conditions.Add($"{spec.SearchColumn} ILIKE @Search");
            parameters.Add("Search", $"%{search}%");
        }

        if (filter is not null)
        {
            conditions.Add(filter);
        }

        var where = string.Join(" AND ", conditions);
        var sql = $"""
            SELECT count(*) FROM {spec.Table} t WHERE {where};
            SELECT {spec.Columns} FROM {spec.Table} t WHERE {where}
            {SortOrder.Sql(sort, spec.SortColumns, DefaultSort, "t.id")}
            LIMIT @Limit OFFSET @Offset;
            """;
        await using var results = await (await db.ConnectionAsync(ct)).QueryMultipleAsync(Command(sql, parameters, ct));
        var total = await results.ReadSingleAsync<long>();
        var items = (await results.ReadAsync<TRow>()).ToList();
        return new Page<TRow>(items, total, page.Page, page.Limit);
    }

    /// <param name="insertSql">an <c>INSERT INTO {table} AS t (…) VALUES (…)</c>; the stored row comes back</param>
    public async Task<TRow> InsertAsync(string insertSql, object row, CancellationToken ct)
    {
        var connection = await db.ConnectionAsync(ct);
        return await VersionedWrites.TranslatingConflictsAsync(() =>
            connection.QuerySingleAsync<TRow>(Command($"{insertSql} RETURNING {spec.Columns}", row, ct)), spec.Conflicts);
    }

    /// <param name="setSql">the SET list without the version bookkeeping, e.g. <c>name = @Name</c></param>
    /// <returns>the row as stored, with its new version</returns>
    public async Task<TRow> UpdateAsync(Guid id, long expectedVersion, string setSql, object values, TenantScope scope, CancellationToken ct)
    {
        var parameters = ScopeFilter.Parameters(scope);
        parameters.AddDynamicParams(values);
        parameters.Add("Id", id);
        parameters.Add("ExpectedVersion", expectedVersion);
        var sql = $"""
            UPDATE {spec.Table} t SET {setSql}, version = t.version + 1, updated_at = now()
            WHERE t.id = @Id AND t.version = @ExpectedVersion AND {Scope(scope)}
            RETURNING {spec.Columns}
            """;
        var connection = await db.ConnectionAsync(ct);
        var updated = await VersionedWrites.TranslatingConflictsAsync(() =>
            connection.QuerySingleOrDefaultAsync<TRow>(Command(sql, parameters, ct)), spec.Conflicts);

        return await VersionedWrites.EnsureAppliedAsync(updated, async () => await FindAsync(id, scope, ct) is not null, spec.Resource);
    }

    /// <returns>the row as it was when deleted (for the audit trail)</returns>
    public async Task<TRow> DeleteAsync(Guid id, long expectedVersion, TenantScope scope, CancellationToken ct)
    {
        var parameters = ScopeFilter.Parameters(scope);
        parameters.Add("Id", id);
        parameters.Add("ExpectedVersion", expectedVersion);
        var sql = $"DELETE FROM {spec.Table} t WHERE t.id = @Id AND t.version = @ExpectedVersion AND {Scope(scope)} RETURNING {spec.Columns}";
        var connection = await db.ConnectionAsync(ct);
        var deleted = await VersionedWrites.TranslatingConflictsAsync(() =>
            connection.QuerySingleOrDefaultAsync<TRow>(Command(sql, parameters, ct)), spec.Conflicts);

        return await VersionedWrites.EnsureAppliedAsync(deleted, async () => await FindAsync(id, scope, ct) is not null, spec.Resource);
    }

    private string Scope(TenantScope scope) => ScopeFilter.Sql(scope, spec.Ownership);

    private CommandDefinition Command(string sql, object? parameters, CancellationToken ct) =>
        new(sql, parameters, db.Transaction, cancellationToken: ct);
}
