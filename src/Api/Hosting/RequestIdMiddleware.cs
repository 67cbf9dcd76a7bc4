using System.Diagnostics;

namespace EvaraTech.Api.Hosting;

/// <summary>
/// Makes the request's trace id its request id: in <c>meta.requestId</c>, in the <c>X-Request-Id</c> header and
/// in every log line, so a client's report leads straight to the trace.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        if (Activity.Current is { } activity)
        {
            context.TraceIdentifier = activity.TraceId.ToHexString();
        }

        // Set as the response starts, so it survives the exception handler clearing a failed response.
        context.Response.OnStarting(static state =>
        {
            var httpContext = (HttpContext)state;
            httpContext.Response.Headers[Header] = httpContext.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
