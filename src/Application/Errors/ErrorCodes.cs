namespace EvaraTech.Application.Errors;

/// <summary>The stable error codes clients may switch on. Never rename one; add new ones.</summary>
public static class ErrorCodes
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string MalformedRequest = "MALFORMED_REQUEST";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string RouteNotFound = "ROUTE_NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string Conflict = "CONFLICT";
    public const string ConcurrencyConflict = "CONCURRENCY_CONFLICT";
    public const string PreconditionRequired = "PRECONDITION_REQUIRED";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string RateLimited = "RATE_LIMITED";
    public const string DatabaseUnavailable = "DATABASE_UNAVAILABLE";
    public const string UpstreamUnavailable = "UPSTREAM_UNAVAILABLE";
    public const string InternalError = "INTERNAL_ERROR";
}
