using EvaraTech.Infrastructure.Http;
using EvaraTech.Modules.Tenancy.Application.CreateCommunity;
using EvaraTech.Modules.Tenancy.Application.CreateCustomer;
using EvaraTech.Modules.Tenancy.Application.CreateDistributor;
using EvaraTech.Modules.Tenancy.Application.CreateUser;
using EvaraTech.Modules.Tenancy.Application.DeleteCommunity;
using EvaraTech.Modules.Tenancy.Application.DeleteCustomer;
using EvaraTech.Modules.Tenancy.Application.DeleteDistributor;
using EvaraTech.Modules.Tenancy.Application.DeleteUser;
using EvaraTech.Modules.Tenancy.Application.GetCommunity;
using EvaraTech.Modules.Tenancy.Application.GetCustomer;
using EvaraTech.Modules.Tenancy.Application.GetDistributor;
using EvaraTech.Modules.Tenancy.Application.GetPermissionCatalogue;
using EvaraTech.Modules.Tenancy.Application.GetUser;
using EvaraTech.Modules.Tenancy.Application.ListCommunities;
using EvaraTech.Modules.Tenancy.Application.ListCustomers;
using EvaraTech.Modules.Tenancy.Application.ListDistributors;
using EvaraTech.Modules.Tenancy.Application.ListUsers;
using EvaraTech.Modules.Tenancy.Application.UpdateCommunity;
using EvaraTech.Modules.Tenancy.Application.UpdateCustomer;
using EvaraTech.Modules.Tenancy.Application.UpdateDistributor;
using EvaraTech.Modules.Tenancy.Application.UpdateUser;
using EvaraTech.Modules.Tenancy.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace EvaraTech.Modules.Tenancy.Endpoints;

/// <summary>CRUD for the tenant hierarchy and its users. Each route binds, sends one message and shapes the envelope.</summary>
internal static class TenantEndpoints
{
    public sealed record DistributorBody(string? Name, string? ContactEmail, bool IsActive = true);

    public sealed record CommunityBody(string? Name, string? Slug, bool IsActive = true);

    public sealed record CustomerBody(string? Name, string? ContactEmail, bool IsActive = true);

    public sealed record UserBody(string? DisplayName, Role Role, string? Plan, Guid? DistributorId, Guid? CustomerId, bool IsActive = true, string? Password = null);

    public static void MapTenantEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/reference/permissions", async (ISender sender, HttpContext context, CancellationToken ct) =>
            ApiResults.PublicReference(context, await sender.Send(new GetPermissionCatalogueQuery(), ct))).WithTags("Reference").AllowAnonymous()
            .Returns<PermissionCatalogue>();

        var distributors = endpoints.MapGroup("/distributors").WithTags("Distributors");
        distributors.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct,
                int page = 1, int limit = PageRequest.DefaultLimit, string? search = null, string? sort = null) =>
            ApiResults.Page(context, await sender.Send(new ListDistributorsQuery(new PageRequest(page, limit), search, sort), ct)))
            .Returns<IReadOnlyList<DistributorDto>>();
        distributors.MapPost("/", (CreateDistributorCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
            CreatedAsync(sender, command, context, "distributors", ct))
            .Returns<DistributorDto>(StatusCodes.Status201Created);
        distributors.MapPut("/{id:guid}", (Guid id, DistributorBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            VersionedAsync(sender, new UpdateDistributorCommand(id, Versioning.RequiredVersion(context), body.Name, body.ContactEmail, body.IsActive), context, ct))
            .Returns<DistributorDto>();
        MapGetAndDelete(distributors, id => new GetDistributorQuery(id), (id, version) => new DeleteDistributorCommand(id, version));

        var communities = endpoints.MapGroup("/communities").WithTags("Communities");
        communities.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct,
                int page = 1, int limit = PageRequest.DefaultLimit, [FromQuery(Name = "distributor_id")] Guid? distributorId = null,
                string? search = null, string? sort = null) =>
            ApiResults.Page(context, await sender.Send(new ListCommunitiesQuery(new PageRequest(page, limit), distributorId, search, sort), ct)))
            .Returns<IReadOnlyList<CommunityDto>>();
        communities.MapPost("/", (CreateCommunityCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
            CreatedAsync(sender, command, context, "communities", ct))
            .Returns<CommunityDto>(StatusCodes.Status201Created);
        communities.MapPut("/{id:guid}", (Guid id, CommunityBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            VersionedAsync(sender, new UpdateCommunityCommand(id, Versioning.RequiredVersion(context), body.Name, body.Slug, body.IsActive), context, ct))
            .Returns<CommunityDto>();
        MapGetAndDelete(communities, id => new GetCommunityQuery(id), (id, version) => new DeleteCommunityCommand(id, version));

        var customers = endpoints.MapGroup("/customers").WithTags("Customers");
        customers.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct,
                int page = 1, int limit = PageRequest.DefaultLimit, [FromQuery(Name = "community_id")] Guid? communityId = null,
                string? search = null, string? sort = null) =>
            ApiResults.Page(context, await sender.Send(new ListCustomersQuery(new PageRequest(page, limit), communityId, search, sort), ct)))
            .Returns<IReadOnlyList<CustomerDto>>();
        customers.MapPost("/", (CreateCustomerCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
            CreatedAsync(sender, command, context, "customers", ct))
            .Returns<CustomerDto>(StatusCodes.Status201Created);
        customers.MapPut("/{id:guid}", (Guid id, CustomerBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            VersionedAsync(sender, new UpdateCustomerCommand(id, Versioning.RequiredVersion(context), body.Name, body.ContactEmail, body.IsActive), context, ct))
            .Returns<CustomerDto>();
        MapGetAndDelete(customers, id => new GetCustomerQuery(id), (id, version) => new DeleteCustomerCommand(id, version));

        var users = endpoints.MapGroup("/users").WithTags("Users");
        users.MapGet("/", async (ISender sender, HttpContext context, CancellationToken ct,
                int page = 1, int limit = PageRequest.DefaultLimit, string? role = null, string? search = null, string? sort = null) =>
            ApiResults.Page(context, await sender.Send(new ListUsersQuery(new PageRequest(page, limit), role, search, sort), ct)))
            .Returns<IReadOnlyList<UserDto>>();
        users.MapPost("/", (CreateUserCommand command, ISender sender, HttpContext context, CancellationToken ct) =>
            CreatedAsync(sender, command, context, "users", ct))
            .Returns<UserDto>(StatusCodes.Status201Created);
        users.MapPut("/{id:guid}", (Guid id, UserBody body, ISender sender, HttpContext context, CancellationToken ct) =>
            VersionedAsync(sender, new UpdateUserCommand(id, Versioning.RequiredVersion(context), body.DisplayName, body.Role, body.Plan,
                body.DistributorId, body.CustomerId, body.IsActive, body.Password), context, ct))
            .Returns<UserDto>();
        MapGetAndDelete(users, id => new GetUserQuery(id), (id, version) => new DeleteUserCommand(id, version));
    }

    /// <summary><c>GET /{id}</c> (ETag, 304) and <c>DELETE /{id}</c> (If-Match, 204): the same for every resource.</summary>
    private static void MapGetAndDelete<TResource>(RouteGroupBuilder group, Func<Guid, IQuery<TResource>> get, Func<Guid, long, ICommand> delete)
        where TResource : IVersionedResource
    {
        group.MapGet("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            var resource = await sender.Send(get(id), ct);
            return ApiResults.Versioned(context, resource, resource.Version);
        })
            .Returns<TResource>();
        group.MapDelete("/{id:guid}", async (Guid id, ISender sender, HttpContext context, CancellationToken ct) =>
        {
            await sender.Send(delete(id, Versioning.RequiredVersion(context)), ct);
            return Results.NoContent();
        })
            .ReturnsNoContent();
    }

    private static async Task<IResult> CreatedAsync<TResource>(ISender sender, ICommand<TResource> command, HttpContext context, string collection, CancellationToken ct)
        where TResource : IVersionedResource
    {
        var created = await sender.Send(command, ct);
        Versioning.SetETag(context, created.Version);
        return ApiResults.Created(context, $"/api/v1/{collection}/{created.Id}", created);
    }

    private static async Task<IResult> VersionedAsync<TResource>(ISender sender, ICommand<TResource> command, HttpContext context, CancellationToken ct)
        where TResource : IVersionedResource
    {
        var resource = await sender.Send(command, ct);
        return ApiResults.Versioned(context, resource, resource.Version);
    }
}
