using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace EvaraTech.IntegrationTests.Alerts.Notifications;

/// <summary>
/// A gateway speaking Twilio's Messages API on a real port: keeps every text it is sent (path, form, headers) and
/// answers as Twilio does, 201 with the message, or 400 with Twilio's error for a number it is told to refuse.
/// </summary>
public sealed class SmsGateway : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SmsGateway(WebApplication app) => _app = app;

    public sealed record Text(string Path, IReadOnlyDictionary<string, string> Form, string? Authorization, string? IdempotencyKey);

    public ConcurrentQueue<Text> Texts { get; } = new();

    /// <summary>A number the gateway refuses as Twilio refuses one it cannot text.</summary>
    public string? RefusedNumber { get; set; }

    public string BaseUrl => _app.Urls.Single() + "/";

    public static async Task<SmsGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var gateway = new SmsGateway(app);
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            var text = new Text(request.Path, form.ToDictionary(f => f.Key, f => f.Value.ToString()), request.Headers.Authorization.FirstOrDefault(),
                request.Headers["Idempotency-Key"].FirstOrDefault());
            gateway.Texts.Enqueue(text);
            return text.Form.GetValueOrDefault("To") == gateway.RefusedNumber
                ? Results.Json(new { code = 21211, message = "The 'To' number is not a valid phone number.", status = 400, more_info = $"{request.Path}" }, statusCode: 400)
                : Results.Json(new { sid = "SM" + Guid.NewGuid().ToString("N"), status = "queued", to = text.Form["To"] }, statusCode: 201);
        });
        await app.StartAsync();
        return gateway;
    }

    public void Reset()
    {
        Texts.Clear();
        RefusedNumber = null;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
