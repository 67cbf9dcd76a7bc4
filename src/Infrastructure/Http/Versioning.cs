using EvaraTech.Application.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// Optimistic concurrency over HTTP: a resource's version is its ETag (<c>"7"</c>); updates and deletes must send
/// it back as <c>If-Match</c>. Missing → 428, malformed → 400, stale → 409 (raised by the handler).
/// </summary>
public static class Versioning
{
    public static string ETag(long version) => $"\"{version}\"";

    public static void SetETag(HttpContext context, long version) => SetETag(context, ETag(version));

    public static void SetETag(HttpContext context, string etag) => context.Response.Headers.ETag = etag;

    /// <summary>The <c>If-Match</c> the client sent; missing → 428.</summary>
    public static string RequiredIfMatch(HttpContext context)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString();
        return string.IsNullOrWhiteSpace(ifMatch)
            ? throw new AppException(ErrorKind.PreconditionRequired, ErrorCodes.PreconditionRequired,
                "Send the resource's ETag as If-Match to change it.", HeaderNames.IfMatch)
            : ifMatch;
    }

    /// <summary>An If-Match that names no version of this resource → 400.</summary>
    public static AppException MalformedIfMatch() =>
        new(ErrorKind.BadRequest, ErrorCodes.ValidationError, "If-Match must be an ETag returned by this API.", HeaderNames.IfMatch);

    public static long RequiredVersion(HttpContext context)
    {
        var value = RequiredIfMatch(context).Trim();
        if (value.StartsWith("W/", StringComparison.Ordinal))
        {
            value = value[2..];
        }

        return long.TryParse(value.Trim('"'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : throw MalformedIfMatch();
    }

    /// <summary>True when the client's cached copy (<c>If-None-Match</c>) is still current.</summary>
    public static bool NotModified(HttpContext context, long version) => NotModified(context, ETag(version));

    public static bool NotModified(HttpContext context, string etag) =>
        context.Request.Headers.IfNoneMatch.ToString().Split(',').Select(v => v.Trim()).Contains(etag);
}
