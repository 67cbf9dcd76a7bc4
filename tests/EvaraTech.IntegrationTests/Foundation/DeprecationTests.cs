using System.Net;
using System.Text.Json.Nodes;
using EvaraTech.Api.Hosting;
using EvaraTech.Infrastructure.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>
/// Retiring a route: no route of today's API is superseded yet, so a host of its own maps a v1 route declared
/// deprecated beside its v2 successor, through the platform's version groups and its OpenAPI transformer, and is asked
/// over HTTP what a client would see.
/// </summary>
public sealed class DeprecationTests
{
    private static readonly DateTimeOffset Since = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Sunset = Since.AddYears(1);

    [Test]
    public async Task A_deprecated_route_says_so_in_every_answer_and_in_the_api_document()
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();

        var old = await client.GetAsync("/api/v1/levels");
        var failing = await client.GetAsync("/api/v1/levels/broken");
        var successor = await client.GetAsync("/api/v2/levels");
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;

        Assert.Multiple(() =>
        {
            Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(old.Headers.GetValues("Deprecation").Single(), Is.EqualTo($"@{Since.ToUnixTimeSeconds()}"), "RFC 9745: a date, seconds since the epoch");
            Assert.That(old.Headers.GetValues("Sunset").Single(), Is.EqualTo("Wed, 01 Dec 2027 00:00:00 GMT"), "RFC 8594: an HTTP date");
            Assert.That(old.Headers.GetValues("Link").Single(), Is.EqualTo("</api/v2/levels>; rel=\"successor-version\""));
            Assert.That(failing.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(failing.Headers.GetValues("Sunset").Single(), Is.EqualTo("Wed, 01 Dec 2027 00:00:00 GMT"),
                "an error answer too, though the error handler clears the headers");
            Assert.That(successor.Headers.Contains("Deprecation"), Is.False);
            Assert.That(document["paths"]!["/api/v1/levels"]!["get"]!["deprecated"]!.GetValue<bool>(), Is.True);
            Assert.That(document["paths"]!["/api/v1/levels"]!["get"]!["description"]!.GetValue<string>(),
                Does.StartWith("Deprecated since 2026-12-01; answers until 2027-12-01; use /api/v2/levels instead."));
            Assert.That(document["paths"]!["/api/v2/levels"]!["get"]!["deprecated"], Is.Null);
        });
    }

    [Test]
    public async Task A_route_cannot_be_retired_sooner_than_a_year_after_its_deprecation()
    {
        await using var app = WebApplication.CreateBuilder().Build();

        var refused = Assert.Throws<ArgumentException>(() => app.MapGet("/api/v1/levels", () => "old").Deprecated(Since, Since.AddMonths(6), "/api/v2/levels"));

        Assert.That(refused!.ParamName, Is.EqualTo("sunset"));
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthorization();
        builder.Services.AddApiDocument();
        var app = builder.Build();
        app.UseDeprecationHeaders();
        app.UseExceptionHandler(error => error.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        }));
        app.UseAuthorization();
        app.MapOpenApi();
        var v1 = app.MapApiVersion("/api/v1").AllowAnonymous();
        v1.MapGet("/levels", () => new { level = 1 }).Deprecated(Since, Sunset, "/api/v2/levels");
        v1.MapGet("/levels/broken", IResult () => throw new InvalidOperationException("broken")).Deprecated(Since, Sunset, "/api/v2/levels");
        app.MapApiVersion("/api/v2").AllowAnonymous().MapGet("/levels", () => new { levels = new[] { 1 } });
        await app.StartAsync();
        return app;
    }
}
