using EvaraTech.Modules.Nodes.Contracts;
using EvaraTech.Modules.Tenancy.Contracts;
using Microsoft.AspNetCore.SignalR;

namespace EvaraTech.Modules.Realtime;

/// <summary>
/// The realtime hub (<c>/hubs/realtime</c>), authenticated with the API's tokens. A client subscribes to its whole
/// scope, to a community or to a node; each subscription is checked against the caller's scope as it was when the
/// connection was authenticated, and something outside it is refused as not found (its existence never leaks; docs/adr/0003-out-of-scope-ids-answer-404.md).
/// </summary>
public sealed class RealtimeHub(IServiceScopeFactory scopes, RealtimeConnections connections) : Hub<IRealtimeClient>
{
    private const string ScopeItem = "scope";

    /// <remarks>
    /// The scope is read for the authenticated user id, not from the connecting request's services: with long polling
    /// and server-sent events the hub sees a copy of the request whose services never met the token, and every
    /// subscription was refused.
    /// </remarks>
    public override async Task OnConnectedAsync()
    {
        Context.Items[ScopeItem] = await connections.OpenedAsync(Context, Context.ConnectionAborted);
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Closed(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Everything the caller may see: the platform, a distributor's subtree or a customer's nodes.</summary>
    public async Task SubscribeScope()
    {
        var group = RealtimeGroups.OfScope(Scope) ?? throw new HubException("This account sees no tenant.");
        await Groups.AddToGroupAsync(Context.ConnectionId, group);
    }

    public async Task SubscribeNode(Guid nodeId)
    {
        var scope = Scope;
        var audience = await scopes.RunAsync(async services =>
        {
            return await services.GetRequiredService<INodeLookup>().FindAsync(nodeId, scope, Context.ConnectionAborted) is null
                ? null
                : (await services.GetRequiredService<INodeAudiences>().AudiencesAsync([nodeId], Context.ConnectionAborted)).SingleOrDefault();
        }, Context.ConnectionAborted) ?? throw new HubException("Node was not found.");
        await Groups.AddToGroupAsync(Context.ConnectionId, RealtimeGroups.Node(audience));
    }

    public async Task SubscribeCommunity(Guid communityId)
    {
        var scope = Scope;
        var community = await scopes.RunAsync(services => services.GetRequiredService<ITenantDirectory>()
            .FindAsync(TenantType.Community, communityId, scope, Context.ConnectionAborted), Context.ConnectionAborted)
            ?? throw new HubException("Community was not found.");
        await Groups.AddToGroupAsync(Context.ConnectionId, RealtimeGroups.Community(communityId, community.DistributorId));
    }

    private TenantScope Scope => Context.Items.TryGetValue(ScopeItem, out var scope) ? (TenantScope)scope! : TenantScope.Nothing;
}
