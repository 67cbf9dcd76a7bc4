using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// A real HTTP server on loopback that plays the identity provider's JWKS endpoint, with one RSA signing key.
/// </summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private JwksServer(WebApplication app, RSA rsa, string keyId, string url)
    {
        _app = app;
        Rsa = rsa;
        KeyId = keyId;
        Url = url;
    }

    public RSA Rsa { get; private set; }

    public string KeyId { get; private set; }

    /// <summary>The identity provider rotates its signing key: the old one is gone from the key set.</summary>
    public void Rotate()
    {
        Rsa = RSA.Create(2048);
        KeyId = "test-key-" + Guid.NewGuid().ToString("N")[..8];
    }

    public string Url { get; }

    public int Requests { get; private set; }

    public SigningCredentials SigningCredentials => new(new RsaSecurityKey(Rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);

    public static async Task<JwksServer> StartAsync()
    {
        var rsa = RSA.Create(2048);
        var keyId = "test-key-" + Guid.NewGuid().ToString("N")[..8];
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        JwksServer? server = null;
        app.MapGet("/.well-known/jwks.json", () =>
        {
            server!.Requests++;
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(server.Rsa.ExportParameters(false)) { KeyId = server.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new JwksServer(app, rsa, keyId, $"{address}/.well-known/jwks.json");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Rsa.Dispose();
    }
}
