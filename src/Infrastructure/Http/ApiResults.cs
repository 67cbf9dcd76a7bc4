using System.Security.Cryptography;
using System.Text.Json;
using EvaraTech.Application.Errors;
using EvaraTech.Infrastructure.Caching;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EvaraTech.Infrastructure.Http;

/// <summary>Builds enveloped results so endpoints only say what they return.</summary>
public static class ApiResults
{
    public static IResult Ok<T>(HttpContext context, T data, PaginationMeta? pagination = null, bool cached = false) =>
        TypedResults.Json(Success(context, data, pagination, cached));

    public static IResult Page<T>(HttpContext context, EvaraTech.Application.Paging.Page<T> page) =>
        Ok(context, page.Items, new PaginationMeta(page.Limit, page.PageNumber, page.Total, page.TotalPages));

    /// <summary>A single versioned resource: 200 with its ETag, or 304 when the client's copy is current.</summary>
    public static IResult Versioned<T>(HttpContext context, T data, long version) => Versioned(context, data, Versioning.ETag(version));

    /// <summary>The same with a resource's own ETag format.</summary>
    /// <param name="cached">whether the data came from the read cache (<c>meta.cached</c>)</param>
    public static IResult Versioned<T>(HttpContext context, T data, string etag, bool cached = false)
    {
        Versioning.SetETag(context, etag);
        return Versioning.NotModified(context, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : Ok(context, data, cached: cached);
    }

    /// <summary>
    /// 200 with an ETag computed from the content itself, or 304 when the client's copy has the same content: for reads
    /// (series) whose only version is what they hold.
    /// </summary>
    public static IResult ContentVersioned<T>(HttpContext context, T data, PaginationMeta? pagination = null)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var content = JsonSerializer.SerializeToUtf8Bytes(new { data, pagination }, options);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..32]}\"";
        Versioning.SetETag(context, etag);
        return Versioning.NotModified(context, etag) ? TypedResults.StatusCode(StatusCodes.Status304NotModified) : Ok(context, data, pagination);
    }

    /// <summary>Public reference data: the same for every caller, so shared caches may keep it for an hour.</summary>
    public static IResult PublicReference<T>(HttpContext context, T data)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return Ok(context, data);
    }

    /// <summary>An error envelope that also carries data, for failures a client needs details of (a rejected batch).</summary>
    public static IResult FailureWithData<T>(HttpContext context, int statusCode, T data, IReadOnlyList<ErrorDetail> errors) =>
        TypedResults.Json(new Envelope<T>(Envelope<T>.Error, data, Meta(context), errors), statusCode: statusCode);

    public static IResult Created<T>(HttpContext context, string location, T data)
    {
        context.Response.Headers.Location = location;
        return TypedResults.Json(Success(context, data), statusCode: StatusCodes.Status201Created);
    }

    public static Envelope<T> Success<T>(HttpContext context, T data, PaginationMeta? pagination = null, bool cached = false) =>
        new(Envelope<T>.Success, data, Meta(context, pagination, cached), null);

    public static Envelope<object> Failure(HttpContext context, IReadOnlyList<ErrorDetail> errors) =>
        new(Envelope<object>.Error, null, Meta(context), errors);

    public static Envelope<object> Failure(HttpContext context, string code, string message, string? field = null) =>
        Failure(context, [new ErrorDetail(code, message, field)]);

    public static int StatusCodeOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
        ErrorKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.PreconditionRequired => StatusCodes.Status428PreconditionRequired,
        ErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>The envelope's meta; <c>cached</c> also when every read-cache lookup of the request was a hit.</summary>
    private static ResponseMeta Meta(HttpContext context, PaginationMeta? pagination = null, bool cached = false) =>
        new(context.TraceIdentifier, DateTimeOffset.UtcNow, pagination, cached || context.RequestServices.GetService<CacheUsage>()?.Served == true);
}
