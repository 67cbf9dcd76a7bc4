using System.Text.Json;
using System.Text.RegularExpressions;
using EvaraTech.Infrastructure.Http;
using EvaraTech.Application.Errors;
using EvaraTech.Infrastructure.Database;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace EvaraTech.Api.Errors;

/// <summary>
/// The one place exceptions become responses: each known failure gets its status and stable code, everything
/// else is a 500 that says nothing about the internals (the log and the trace have them, under the request id).
/// </summary>
public sealed partial class EnvelopeExceptionHandler(NpgsqlDataSource dataSource, ILogger<EnvelopeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (DatabaseFailures.IsUnstorableText(exception))
        {
            // Npgsql can leave the connection that carried such a value out of step with the server, so that the next
            // request to reuse it fails: no connection in use now goes back to the pool.
            dataSource.Clear();
        }

        var (status, errors) = Describe(exception);
        if (status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Request {RequestId} failed with {Status}", context.TraceIdentifier, status);
        }

        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }
        else if (exception is AppException { RetryAfter: { } wait })
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(ApiResults.Failure(context, errors), cancellationToken);
        return true;
    }

    private static (int Status, IReadOnlyList<ErrorDetail> Errors) Describe(Exception exception) => exception switch
    {
        _ when ExpectedFailures.Describe(exception) is { } expected => expected,
        BadHttpRequestException badRequest => (badRequest.StatusCode, [DescribeBadRequest(badRequest)]),
        _ when DatabaseFailures.IsUnstorableText(exception) => (StatusCodes.Status400BadRequest,
            [new ErrorDetail(ErrorCodes.MalformedRequest, "The request holds characters that cannot be stored.")]),
        // A constraint the handler did not anticipate still means "conflicts with stored data", never a 500.
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.ForeignKeyViolation } => (StatusCodes.Status409Conflict,
            [new ErrorDetail(ErrorCodes.Conflict, "The change conflicts with existing data.")]),
        _ when DatabaseFailures.IsUnavailable(exception) => (StatusCodes.Status503ServiceUnavailable,
            [new ErrorDetail(ErrorCodes.DatabaseUnavailable, "The database is temporarily unavailable; retry shortly.")]),
        _ => (StatusCodes.Status500InternalServerError,
            [new ErrorDetail(ErrorCodes.InternalError, "An unexpected error occurred. Quote the request id when reporting it.")]),
    };

    /// <summary>Malformed bodies and unbindable parameters, named by the JSON path or parameter the client sent.</summary>
    private static ErrorDetail DescribeBadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new ErrorDetail(ErrorCodes.PayloadTooLarge, "The request body is too large.");
        }

        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return new ErrorDetail(ErrorCodes.UnsupportedMediaType, "Send the body as application/json.");
        }

        if (exception.InnerException is ControlCharacterException control)
        {
            var field = control.Path?.TrimStart('$', '.') ?? "body";
            return new ErrorDetail(ErrorCodes.ValidationError, ControlCharacters.Message(field), field);
        }

        if (exception.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? null : json.Path.TrimStart('$', '.');
            return new ErrorDetail(ErrorCodes.MalformedRequest,
                $"The request body is not valid JSON for this endpoint (line {json.LineNumber + 1}).", field);
        }

        var parameter = ParameterName().Match(exception.Message);
        if (!parameter.Success)
        {
            return new ErrorDetail(ErrorCodes.MalformedRequest, "The request could not be read.");
        }

        // Parameters arrive as query strings, which are snake_case (user_id), whatever the C# name (UserId).
        var name = SnakeCase().Replace(parameter.Groups["name"].Value, "_$1").ToLowerInvariant();
        return new ErrorDetail(ErrorCodes.ValidationError, $"'{name}' has an invalid value.", name);
    }

    // Minimal APIs report binding failures as: Failed to bind parameter "int limit" from "abc".
    [GeneratedRegex("""parameter "(?:[^" ]+ )?(?<name>[^" ]+)"(?: from)?""")]
    private static partial Regex ParameterName();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex SnakeCase();
}
