using EvaraTech.Infrastructure.Http;
using EvaraTech.Application.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace EvaraTech.Api.Errors;

/// <summary>
/// Gives bodiless error statuses produced by the framework (unknown route, wrong method, a refused token) the
/// same envelope as everything else.
/// </summary>
public static class StatusCodeEnvelope
{
    public static Task WriteAsync(StatusCodeContext statusContext)
    {
        var context = statusContext.HttpContext;
        var (code, message) = context.Response.StatusCode switch
        {
            StatusCodes.Status401Unauthorized => (ErrorCodes.Unauthorized, "Authentication is required: send a valid bearer token."),
            StatusCodes.Status403Forbidden => (ErrorCodes.Forbidden, "You do not have permission for this action."),
            StatusCodes.Status404NotFound => (ErrorCodes.RouteNotFound, $"No endpoint matches {context.Request.Method} {context.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed, $"{context.Request.Method} is not allowed on {context.Request.Path}."),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, "The request body is too large."),
            StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType, "Send the body as application/json."),
            StatusCodes.Status429TooManyRequests => (ErrorCodes.RateLimited, "Too many requests; retry later."),
            StatusCodes.Status503ServiceUnavailable => (ErrorCodes.DatabaseUnavailable, "The service is temporarily unavailable; retry shortly."),
            >= 500 => (ErrorCodes.InternalError, "An unexpected error occurred."),
            _ => (ErrorCodes.MalformedRequest, "The request could not be processed."),
        };

        return context.Response.WriteAsJsonAsync(ApiResults.Failure(context, code, message));
    }
}
