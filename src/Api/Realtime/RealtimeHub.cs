using Microsoft.AspNetCore.SignalR;

namespace EvaraTech.Api.Realtime;

/// <summary>
/// The realtime hub for dashboards, authenticated with the API's tokens. Subscriptions and events arrive with
/// the realtime issue; until then a signed-in client can connect and nothing is broadcast.
/// </summary>
public sealed class RealtimeHub : Hub;
