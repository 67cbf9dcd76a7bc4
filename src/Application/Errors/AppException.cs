namespace EvaraTech.Application.Errors;

/// <summary>
/// An expected failure of a use case, with a stable machine-readable code. Anything else that escapes a
/// handler is a defect and is answered as 500 without internals.
/// </summary>
public class AppException(ErrorKind kind, string code, string message, string? field = null) : Exception(message)
{
    public ErrorKind Kind { get; } = kind;

    public string Code { get; } = code;

    public string? Field { get; } = field;

    /// <summary>How long the client should wait before trying again (sent as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Used for unknown ids and for ids outside the caller's scope alike, so scope is never disclosed.</summary>
    public static AppException NotFound(string resource) =>
        new(ErrorKind.NotFound, ErrorCodes.NotFound, $"{resource} was not found.");

    public static AppException ConcurrencyConflict(string resource) =>
        new(ErrorKind.Conflict, ErrorCodes.ConcurrencyConflict,
            $"{resource} was changed by someone else; reload it and retry with the new version.");
}
