using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Infrastructure.Http;

/// <summary>
/// What the OpenAPI document says a route answers: routes return <see cref="IResult"/>s built by
/// <see cref="ApiResults"/>, which the document generator cannot see into, so each route names its body here and the
/// typed client generated from the document gets the exact envelope.
/// </summary>
public static class EnvelopeDocumentation
{
    /// <summary>The status codes any API route may answer with an error envelope.</summary>
    private static readonly int[] ErrorStatuses =
    [
        StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound,
        StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status429TooManyRequests,
        StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable,
    ];

    /// <summary>The route's success body is the envelope of <typeparamref name="T"/>.</summary>
    public static RouteHandlerBuilder Returns<T>(this RouteHandlerBuilder builder, int statusCode = StatusCodes.Status200OK) =>
        builder.Produces<Envelope<T>>(statusCode, "application/json");

    /// <summary>The route answers 204 with no body.</summary>
    public static RouteHandlerBuilder ReturnsNoContent(this RouteHandlerBuilder builder) => builder.Produces(StatusCodes.Status204NoContent);

    /// <summary>Every route of the group may answer with the error envelope (<c>errors</c> with code, message and field).</summary>
    public static RouteGroupBuilder ReturnsErrorEnvelopes(this RouteGroupBuilder group)
    {
        foreach (var status in ErrorStatuses)
        {
            group.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Envelope<object>), ["application/json"]));
        }

        return group;
    }
}
