namespace EvaraTech.Application.Errors;

/// <summary>One input that failed validation, named as the client sent it (camelCase path).</summary>
public sealed record FieldError(string Field, string Code, string Message);

/// <summary>Every failing field of one request, reported together so a client can fix them in one go.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors)
    : Exception("The request failed validation.")
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}
