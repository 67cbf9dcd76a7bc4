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

    public static long RequiredVersion(HttpContext context) => RequiredVersion(context, ParseVersion);

    /// <param name="versionOf">reads the version out of the ETag's opaque value (quotes and <c>W/</c> removed), or null</param>
    public static long RequiredVersion(HttpContext context, Func<string, long?> versionOf)
    {
        var ifMatch = context.Request.Headers.IfMatch.ToString().Trim();
        if (ifMatch.Length == 0)
        {
            throw new AppException(ErrorKind.PreconditionRequired, ErrorCodes.PreconditionRequired,
                "Send the resource's ETag as If-Match to change it.", HeaderNames.IfMatch);
        }

        var opaque = (ifMatch.StartsWith("W/", StringComparison.Ordinal) ? ifMatch[2..] : ifMatch).Trim('"');
        return versionOf(opaque)
            ?? throw new AppException(ErrorKind.BadRequest, ErrorCodes.ValidationError, "If-Match must be an ETag returned by this API.", HeaderNames.IfMatch);
    }

    /// <summary>A plain version number, as <see cref="ETag(long)"/> writes it.</summary>
    public static long? ParseVersion(string value) =>
        long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;

    /// <summary>True when the client's cached copy (<c>If-None-Match</c>) is still current.</summary>
    public static bool NotModified(HttpContext context, long version) => NotModified(context, ETag(version));

    public static bool NotModified(HttpContext context, string etag) =>
        context.Request.Headers.IfNoneMatch.ToString().Split(',').Select(v => v.Trim()).Contains(etag);
}
