using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>Mints access tokens the way Supabase does, and the malformed or hostile variants the API must refuse.</summary>
public static class Tokens
{
    public const string Issuer = "http://localhost/auth/v1";
    public const string Audience = "authenticated";

    // No default times: a test that removes iat must get a token without one.
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Hs256(Guid? subject, string? email, Action<SecurityTokenDescriptor>? adjust = null, string secret = ApiFactory.TestJwtSecret) =>
        Create(subject, email, new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)), SecurityAlgorithms.HmacSha256), adjust);

    public static string For(TestUser user) => Hs256(user.Id, user.Email);

    public static string Create(Guid? subject, string? email, SigningCredentials credentials, Action<SecurityTokenDescriptor>? adjust = null)
    {
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("role", "authenticated") };
        if (subject is { } sub)
        {
            claims.Add(new Claim(JwtRegisteredClaimNames.Sub, sub.ToString()));
        }

        if (email is not null)
        {
            claims.Add(new Claim(JwtRegisteredClaimNames.Email, email));
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(10),
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = credentials,
        };
        adjust?.Invoke(descriptor);
        return Handler.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with an otherwise perfect payload.</summary>
    public static string Unsigned(TestUser user)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new { alg = "none", typ = "JWT" }));
        var payload = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new
        {
            sub = user.Id, email = user.Email, role = "authenticated", aud = Audience, iss = Issuer, iat = now, nbf = now, exp = now + 600,
        }));
        return $"{header}.{payload}.";
    }

    /// <summary>An HS256 token with the header and payload exactly as given (claims of the wrong JSON type, odd headers).</summary>
    public static string Hs256Raw(object header, object payload)
    {
        var signingInput = Base64UrlEncoder.Encode(JsonSerializer.Serialize(header)) + "." + Base64UrlEncoder.Encode(JsonSerializer.Serialize(payload));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(ApiFactory.TestJwtSecret), Encoding.UTF8.GetBytes(signingInput));
        return signingInput + "." + Base64UrlEncoder.Encode(signature);
    }

    /// <summary>Algorithm confusion: HS256, "signed" with the bytes of the identity provider's public key.</summary>
    public static string Hs256WithPublicKey(TestUser user, RSA rsa) =>
        Create(user.Id, user.Email, new SigningCredentials(
            new SymmetricSecurityKey(Encoding.UTF8.GetBytes(rsa.ExportSubjectPublicKeyInfoPem())), SecurityAlgorithms.HmacSha256));
}
