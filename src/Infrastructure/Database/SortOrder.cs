namespace EvaraTech.Infrastructure.Database;

/// <summary>
/// Turns a validated <c>sort</c> value into an ORDER BY over whitelisted columns only, with the id as the final
/// tie-breaker so paging is stable. User input never reaches the SQL text.
/// </summary>
public static class SortOrder
{
    public static string Sql(string? sort, IReadOnlyDictionary<string, string> columns, string defaultSort, string idColumn)
    {
        var requested = string.IsNullOrEmpty(sort) ? defaultSort : sort;
        var descending = requested.StartsWith('-');
        var column = columns.TryGetValue(requested.TrimStart('-'), out var mapped)
            ? mapped
            : throw new ArgumentException($"'{requested}' is not a sortable key.", nameof(sort));
        var direction = descending ? "DESC" : "ASC";
        return $"ORDER BY {column} {direction}, {idColumn} {direction}";
    }
}
