using EvaraTech.Modules.Telemetry.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>The edge of every route that takes a write key: notes the client's address and refuses an address over its wrong-key limit.</summary>
internal static class WrongKeyLimit
{
    public static TBuilder LimitWrongWriteKeys<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var address = http.Connection.RemoteIpAddress?.ToString();
            http.RequestServices.GetRequiredService<PushingClient>().Address = address;
            if (http.RequestServices.GetRequiredService<WrongWriteKeys>().WaitFor(address) is { } wait)
            {
                throw new AppException(ErrorKind.TooManyRequests, ErrorCodes.RateLimited,
                    "Too many wrong write keys from this address; wait before pushing again.") { RetryAfter = wait };
            }

            return await next(context);
        });
}
