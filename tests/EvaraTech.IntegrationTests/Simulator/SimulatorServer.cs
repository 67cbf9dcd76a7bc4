using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EvaraTech.Simulator;
using EvaraTech.Simulator.Faults;
using Microsoft.AspNetCore.Builder;

namespace EvaraTech.IntegrationTests.Simulator;

public sealed record ChannelRequests(long Requests, int MaxConcurrent);

/// <summary>
/// The ThingSpeak simulator on a free loopback port, over real HTTP (latency and stalls are real time), with helpers
/// for its admin endpoints.
/// </summary>
public sealed class SimulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SimulatorServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    public static async Task<SimulatorServer> StartAsync(params string[] args)
    {
        var app = SimulatorHost.Build(["--urls", "http://127.0.0.1:0", .. args]);
        await app.StartAsync();
        return new SimulatorServer(app, new Uri(app.Urls.Single()));
    }

    public async Task SetFaultsAsync(FaultSettings faults) =>
        (await Client.PostAsJsonAsync("/_simulator/faults", faults)).EnsureSuccessStatusCode();

    /// <summary>Clears every fault and the request statistics.</summary>
    public async Task ResetAsync()
    {
        (await Client.DeleteAsync("/_simulator/faults")).EnsureSuccessStatusCode();
        (await Client.DeleteAsync("/_simulator/stats")).EnsureSuccessStatusCode();
    }

    public async Task<JsonNode?> ChannelStatsAsync(long channelId) =>
        (await Client.GetFromJsonAsync<JsonNode>("/_simulator/stats"))!["channels"]![channelId.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>The most requests ever in flight at once, over all channels.</summary>
    public async Task<int> MaxConcurrentAsync() => (int)(await Client.GetFromJsonAsync<JsonNode>("/_simulator/stats"))!["maxConcurrent"]!;

    /// <summary>Requests and the most ever in flight at once, per channel.</summary>
    public async Task<IReadOnlyDictionary<long, ChannelRequests>> AllChannelStatsAsync()
    {
        var channels = (await Client.GetFromJsonAsync<JsonNode>("/_simulator/stats"))!["channels"]!.AsObject();
        return channels.ToDictionary(c => long.Parse(c.Key, System.Globalization.CultureInfo.InvariantCulture),
            c => new ChannelRequests((long)c.Value!["requests"]!, (int)c.Value!["maxConcurrent"]!));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
