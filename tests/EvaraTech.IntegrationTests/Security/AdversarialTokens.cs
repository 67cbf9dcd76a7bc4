using System.Security.Cryptography;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.IntegrationTests.Security;

/// <summary>
/// Every kind of forged or unusable bearer token, each named, for a user who would otherwise get in: none of them may.
/// Built with the same helpers as TokenValidationTests, which checks each kind's error code on one route.
/// </summary>
public static class AdversarialTokens
{
    public static IEnumerable<(string Kind, string Token)> All(TenantWorld world, RSA providerKey)
    {
        var user = world.CustomerUser1;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var valid = Tokens.For(user);
        var parts = valid.Split('.');

        yield return ("alg none", Tokens.Unsigned(user));
        yield return ("alg NONE", Unsigned("NONE", user, now));
        yield return ("hs256 with the provider's public key", Tokens.Hs256WithPublicKey(user, providerKey));
        yield return ("wrong secret", Tokens.Hs256(user.Id, user.Email, secret: "another-secret-of-sufficient-length-0123456789"));
        yield return ("expired", Tokens.Hs256(user.Id, user.Email, d =>
        {
            d.IssuedAt = DateTime.UtcNow.AddHours(-2);
            d.NotBefore = DateTime.UtcNow.AddHours(-2);
            d.Expires = DateTime.UtcNow.AddMinutes(-5);
        }));
        yield return ("nbf in the future", Tokens.Hs256(user.Id, user.Email, d =>
        {
            d.NotBefore = DateTime.UtcNow.AddMinutes(5);
            d.Expires = DateTime.UtcNow.AddMinutes(20);
        }));
        yield return ("iat in the future", Tokens.Hs256(user.Id, user.Email, d => d.IssuedAt = DateTime.UtcNow.AddMinutes(10)));
        yield return ("no iat", Tokens.Hs256(user.Id, user.Email, d => d.IssuedAt = null));
        yield return ("no sub", Tokens.Hs256(null, user.Email));
        yield return ("no email", Tokens.Hs256(user.Id, null));
        yield return ("wrong issuer", Tokens.Hs256(user.Id, user.Email, d => d.Issuer = "https://evil.example/auth/v1"));
        yield return ("wrong audience", Tokens.Hs256(user.Id, user.Email, d => d.Audience = "service_role"));
        yield return ("crit header", Tokens.Hs256(user.Id, user.Email,
            d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["crit"] = new[] { "exp-ext" }, ["exp-ext"] = true }));
        yield return ("string exp", Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT" }, new Dictionary<string, object>
        {
            ["sub"] = user.Id, ["email"] = user.Email, ["role"] = "authenticated", ["aud"] = Tokens.Audience, ["iss"] = Tokens.Issuer,
            ["iat"] = now, ["nbf"] = now, ["exp"] = (now + 600).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        // Supabase signs its project keys with the same secret as user tokens: they name a role, not a user.
        yield return ("supabase anon key", Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT" },
            new { iss = "supabase", @ref = "evaratech", role = "anon", iat = now, exp = now + 600 }));
        yield return ("supabase service_role key", Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT" },
            new { iss = "supabase", @ref = "evaratech", role = "service_role", iat = now, exp = now + 600 }));
        yield return ("service_role claims for the auth audience", Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT" },
            new { iss = Tokens.Issuer, aud = Tokens.Audience, role = "service_role", iat = now, nbf = now, exp = now + 600 }));
        yield return ("tampered payload (sub of the superadmin)", $"{parts[0]}.{Payload(world.Superadmin, now)}.{parts[2]}");
        yield return ("truncated signature", valid[..^6]);
        yield return ("no signature", $"{parts[0]}.{parts[1]}.");
        yield return ("unknown jwks key", UnknownRsaKey(user));
        yield return ("user without a profile", Tokens.Hs256(Guid.NewGuid(), "nobody@evara.test"));
        yield return ("deactivated user", Tokens.For(world.InactiveUser));
        yield return ("garbage", "not-a-token");
        yield return ("dev bypass", "dev-bypass-admin@evaratech.com");
    }

    private static string Unsigned(string algorithm, TestUser user, long now) =>
        Base64UrlEncoder.Encode($$"""{"alg":"{{algorithm}}","typ":"JWT"}""") + "." + Payload(user, now) + ".";

    private static string Payload(TestUser user, long now) => Base64UrlEncoder.Encode(System.Text.Json.JsonSerializer.Serialize(new
    {
        sub = user.Id, email = user.Email, role = "authenticated", aud = Tokens.Audience, iss = Tokens.Issuer, iat = now, nbf = now, exp = now + 600,
    }));

    private static string UnknownRsaKey(TestUser user)
    {
        using var rsa = RSA.Create(2048);
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = Platform.Jwks.KeyId }, SecurityAlgorithms.RsaSha256);
        return Tokens.Create(user.Id, user.Email, credentials);
    }
}
