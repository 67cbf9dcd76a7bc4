using EvaraTech.Application.Errors;
using EvaraTech.Domain;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// The failures a use case announces (validation, <see cref="AppException"/>, domain rules) as status and errors. The
/// exception handler answers a request with them; a batch answers each of its items with them.
/// </summary>
public static class ExpectedFailures
{
    /// <returns>the status and errors, or null for anything that is not an expected failure</returns>
    public static (int Status, IReadOnlyList<ErrorDetail> Errors)? Describe(Exception exception) => exception switch
    {
        RequestValidationException validation => (
            validation.Unprocessable ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status400BadRequest,
            [.. validation.Errors.Select(e => new ErrorDetail(ErrorCodes.ValidationError, e.Message, e.Field))]),
        AppException app => (ApiResults.StatusCodeOf(app.Kind), [new ErrorDetail(app.Code, app.Message, app.Field)]),
        DomainRuleViolation rule => (StatusCodes.Status422UnprocessableEntity, [new ErrorDetail(rule.Code, rule.Message, rule.Field)]),
        _ => null,
    };
}
