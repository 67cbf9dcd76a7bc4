using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EvaraTech.TestSupport;

/// <summary>
/// An alert webhook's endpoint on a real port, for the notification tests and the fault run: records every delivery
/// and answers 500 to the first <see cref="FailFirst"/> of them, after <see cref="HoldAnswers"/> when one is set.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _seen;

    private WebhookReceiver(WebApplication app) => _app = app;

    public sealed record Delivery(IReadOnlyDictionary<string, string> Headers, string Body, int Answered);

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public int FailFirst { get; set; }

    /// <summary>When set, each answer waits for it (the delivery is recorded first): a sender caught mid-request.</summary>
    public TaskCompletionSource? HoldAnswers { get; set; }

    public string Url => _app.Urls.Single() + "/hook";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            var status = Interlocked.Increment(ref receiver._seen) <= receiver.FailFirst ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
            receiver.Deliveries.Enqueue(new Delivery(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, status));
            if (receiver.HoldAnswers is { } hold)
            {
                await hold.Task;
            }

            return Results.StatusCode(status);
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>How many requests arrived with each <c>Idempotency-Key</c>.</summary>
    public IReadOnlyDictionary<string, int> RequestsByKey() =>
        Deliveries.GroupBy(d => d.Headers.GetValueOrDefault("Idempotency-Key") ?? "").ToDictionary(g => g.Key, g => g.Count());

    public void Reset()
    {
        Deliveries.Clear();
        _seen = 0;
        FailFirst = 0;
        HoldAnswers = null;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
