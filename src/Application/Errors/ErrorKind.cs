namespace EvaraTech.Application.Errors;

/// <summary>The families of failure a use case can report; the API maps each to one HTTP status.</summary>
public enum ErrorKind
{
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PreconditionRequired,
    Unprocessable,
    PayloadTooLarge,
    TooManyRequests,
    Unavailable,
}
