using System.Net;
using System.Text.Json;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>Reads a response as the API's envelope and checks what every response must carry.</summary>
public static class EnvelopeAssertions
{
    public static async Task<JsonElement> ReadEnvelopeAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), body);

        var envelope = JsonDocument.Parse(body).RootElement;
        var requestId = envelope.GetProperty("meta").GetProperty("requestId").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(requestId, Is.Not.Null.And.Not.Empty, "meta.requestId");
            Assert.That(response.Headers.GetValues("X-Request-Id").Single(), Is.EqualTo(requestId), "X-Request-Id header");
            Assert.That(envelope.GetProperty("status").GetString(), Is.EqualTo((int)expected < 400 ? "success" : "error"));
        });
        return envelope;
    }

    public static JsonElement[] Errors(this JsonElement envelope) => [.. envelope.GetProperty("errors").EnumerateArray()];

    public static string? Code(this JsonElement error) => error.GetProperty("code").GetString();

    public static string? Field(this JsonElement error) =>
        error.TryGetProperty("field", out var field) && field.ValueKind == JsonValueKind.String ? field.GetString() : null;
}
