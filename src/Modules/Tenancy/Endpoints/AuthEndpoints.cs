using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Tenancy.Application.Login;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Tenancy.Endpoints;

internal static class AuthEndpoints
{
    public static void MapAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/auth").WithTags("Authentication");

        auth.MapPost("/login", async (LoginCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
                ApiResults.Ok(context, await sender.Send(command, ct)))
            .WithSummary("Password login (local issuer)")
            .WithDescription("Returns a Supabase-shaped access token. Enabled only where the local issuer is configured.");
    }
}
