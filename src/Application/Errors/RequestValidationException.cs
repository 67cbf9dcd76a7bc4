namespace EvaraTech.Application.Errors;

/// <summary>One input that failed validation, named as the client sent it (camelCase path).</summary>
/// <param name="Unprocessable">
/// the input is well formed but makes no sense (422, e.g. a date range that ends before it starts); otherwise it is malformed or out of its allowed values (400).
/// </param>
public sealed record FieldError(string Field, string Code, string Message, bool Unprocessable = false);

/// <summary>Every failing field of one request, reported together so a client can fix them in one go.</summary>
public sealed class RequestValidationException(IReadOnlyList<FieldError> errors)
    : Exception("The request failed validation.")
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;

    /// <summary>422 when every failure is semantic; a single malformed input makes the whole request a 400.</summary>
    public bool Unprocessable => Errors.Count > 0 && Errors.All(e => e.Unprocessable);
}
