using EvaraTech.Infrastructure.Http;
using EvaraTech.Infrastructure.Messaging;
using EvaraTech.Modules.Audit.Application.ListDeadLetters;
using EvaraTech.Modules.Audit.Application.ReplayDeadLetter;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Audit.Endpoints;

internal static class DeadLetterEndpoints
{
    public static void MapDeadLetterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var deadLetters = endpoints.MapGroup("/admin/dead-letters").WithTags("Audit");

        deadLetters.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct, int limit = PageRequest.DefaultLimit) =>
                ApiResults.Ok(context, await sender.Send(new ListDeadLettersQuery(limit), ct), new PaginationMeta(limit)))
            .WithSummary("Integration-event deliveries that failed every attempt, newest first (superadmins)")
            .Returns<IReadOnlyList<DeadLetter>>();

        deadLetters.MapPost("/{eventId:guid}/{handler}/replay", async (Guid eventId, string handler, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ReplayDeadLetterCommand(eventId, handler), ct);
                return Results.NoContent();
            })
            .WithSummary("Delivers a dead letter to its handler again, at once (superadmins)")
            .ReturnsNoContent();
    }
}
