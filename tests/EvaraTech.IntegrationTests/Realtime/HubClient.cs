using System.Collections.Concurrent;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Realtime;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Realtime;

/// <summary>A real SignalR client of an API host's test server, over WebSockets, recording everything it receives.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private HubClient(HubConnection connection) => Connection = connection;

    public HubConnection Connection { get; }

    public ConcurrentQueue<TelemetryUpdates> Telemetry { get; } = new();

    public ConcurrentQueue<AlertMessage> Alerts { get; } = new();

    public ConcurrentQueue<NodeStatusMessage> Statuses { get; } = new();

    public ConcurrentQueue<DashboardMessage> Dashboards { get; } = new();

    public static async Task<HubClient> ConnectAsync(
        WebApplicationFactory<Program> api, TestUser user, bool messagePack = false, HttpTransportType transport = HttpTransportType.WebSockets)
    {
        var server = api.Server;
        var builder = new HubConnectionBuilder().WithUrl(new Uri(server.BaseAddress, "/hubs/realtime"), options =>
        {
            if (transport != HttpTransportType.WebSockets)
            {
                // A client that falls back to HTTP: negotiation, then the transport's requests with the bearer header.
                options.Transports = transport;
                options.HttpMessageHandlerFactory = _ => server.CreateHandler();
                options.AccessTokenProvider = () => Task.FromResult<string?>(Tokens.For(user));
                return;
            }

            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;
            // The test server's WebSocket client, with the token where a browser puts it (the query string).
            options.WebSocketFactory = async (context, ct) =>
            {
                var uri = new UriBuilder(context.Uri);
                uri.Query = (uri.Query.Length > 1 ? uri.Query[1..] + "&" : "") + "access_token=" + Uri.EscapeDataString(Tokens.For(user));
                return await server.CreateWebSocketClient().ConnectAsync(uri.Uri, ct);
            };
        });
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var client = new HubClient(builder.Build());
        client.Connection.On<TelemetryUpdates>(nameof(IRealtimeClient.Telemetry), client.Telemetry.Enqueue);
        client.Connection.On<AlertMessage>(nameof(IRealtimeClient.AlertRaised), client.Alerts.Enqueue);
        client.Connection.On<AlertMessage>(nameof(IRealtimeClient.AlertAcknowledged), client.Alerts.Enqueue);
        client.Connection.On<AlertMessage>(nameof(IRealtimeClient.AlertResolved), client.Alerts.Enqueue);
        client.Connection.On<NodeStatusMessage>(nameof(IRealtimeClient.NodeStatusChanged), client.Statuses.Enqueue);
        client.Connection.On<DashboardMessage>(nameof(IRealtimeClient.DashboardStatsChanged), client.Dashboards.Enqueue);
        await client.Connection.StartAsync();
        return client;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or fails after <paramref name="seconds"/>.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();
}
