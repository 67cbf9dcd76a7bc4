using EvaraTech.Modules.Telemetry.Ingestion;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EvaraTech.Modules.Telemetry.Endpoints;

/// <summary>
/// The edge of every route that takes a write key: notes the client's address, against which
/// <see cref="WriteKeyLookup"/> counts wrong keys and refuses an address over its limit before each look-up.
/// </summary>
internal static class WrongKeyLimit
{
    public static TBuilder LimitWrongWriteKeys<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            http.RequestServices.GetRequiredService<PushingClient>().Address = http.Connection.RemoteIpAddress?.ToString();
            return next(context);
        });
}
