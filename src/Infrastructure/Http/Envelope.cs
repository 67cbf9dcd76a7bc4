using System.Text.Json.Serialization;

namespace EvaraTech.Infrastructure.Http;

/// <summary>The one response shape of the API, for success and error alike, so a client reads every answer the same way: <c>status</c>, <c>data</c>, <c>meta</c>, <c>errors</c>.</summary>
public sealed record Envelope<T>(
    string Status,
    T? Data,
    ResponseMeta Meta,
    IReadOnlyList<ErrorDetail>? Errors)
{
    public const string Success = "success";
    public const string Error = "error";
}

public sealed record ResponseMeta(
    string RequestId,
    DateTimeOffset Timestamp,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PaginationMeta? Pagination = null,
    bool Cached = false);

/// <summary>Offset paging fills page/total; cursor paging fills the next cursor and leaves totals out (lists read forward only).</summary>
public sealed record PaginationMeta(
    int Limit,
    int? Page = null,
    long? Total = null,
    int? TotalPages = null,
    string? NextCursor = null);

public sealed record ErrorDetail(string Code, string Message, string? Field = null);
