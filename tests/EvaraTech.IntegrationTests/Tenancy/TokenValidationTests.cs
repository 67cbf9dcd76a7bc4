using System.Net;
using System.Text.Json;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>Only genuine, current, well-formed tokens of a known, active user get in; everything else is a 401 envelope.</summary>
public sealed class TokenValidationTests : TenantWorldTest
{
    private static async Task<JsonElement> MeAsync(string token, HttpStatusCode expected)
    {
        using var client = ClientWith(token);
        return await (await client.GetAsync("/api/v1/me")).ReadEnvelopeAsync(expected);
    }

    private static async Task AssertRefusedAsync(string token, string code = "INVALID_TOKEN")
    {
        var envelope = await MeAsync(token, HttpStatusCode.Unauthorized);
        Assert.That(envelope.Errors().Single().Code(), Is.EqualTo(code));
    }

    [Test]
    public async Task A_valid_hs256_token_is_accepted()
    {
        var me = (await MeAsync(Tokens.For(World.DistributorUser1), HttpStatusCode.OK)).GetProperty("data");

        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("id").GetGuid(), Is.EqualTo(World.DistributorUser1.Id));
            Assert.That(me.GetProperty("role").GetString(), Is.EqualTo("distributor"));
            Assert.That(me.GetProperty("distributorId").GetGuid(), Is.EqualTo(World.Distributor1));
        });
    }

    [Test]
    public async Task A_valid_token_signed_with_a_jwks_key_is_accepted()
    {
        var token = Tokens.Create(World.CustomerUser1.Id, World.CustomerUser1.Email, Platform.Jwks.SigningCredentials);

        var me = (await MeAsync(token, HttpStatusCode.OK)).GetProperty("data");

        Assert.That(me.GetProperty("id").GetGuid(), Is.EqualTo(World.CustomerUser1.Id));
    }

    [Test]
    public async Task After_the_provider_rotates_its_key_tokens_signed_with_the_new_key_are_accepted()
    {
        await MeAsync(Tokens.Create(World.CustomerUser1.Id, World.CustomerUser1.Email, Platform.Jwks.SigningCredentials), HttpStatusCode.OK);
        var requestsBefore = Platform.Jwks.Requests;

        Platform.Jwks.Rotate();
        var me = await MeAsync(Tokens.Create(World.CustomerUser1.Id, World.CustomerUser1.Email, Platform.Jwks.SigningCredentials), HttpStatusCode.OK);

        Assert.Multiple(() =>
        {
            Assert.That(me.GetProperty("data").GetProperty("id").GetGuid(), Is.EqualTo(World.CustomerUser1.Id));
            Assert.That(Platform.Jwks.Requests, Is.GreaterThan(requestsBefore), "the unknown key id triggered a refresh");
        });
    }

    [Test]
    public Task An_expired_token_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, d =>
        {
            d.IssuedAt = DateTime.UtcNow.AddHours(-2);
            d.NotBefore = DateTime.UtcNow.AddHours(-2);
            d.Expires = DateTime.UtcNow.AddMinutes(-5);
        }));

    [Test]
    public Task A_token_not_yet_valid_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, d =>
        {
            d.NotBefore = DateTime.UtcNow.AddMinutes(5);
            d.Expires = DateTime.UtcNow.AddMinutes(20);
        }));

    [Test]
    public Task A_token_with_a_wrong_signature_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, secret: "another-secret-of-sufficient-length-0123456789"));

    [Test]
    public Task An_unsigned_token_is_refused() => AssertRefusedAsync(Tokens.Unsigned(World.Superadmin));

    [Test]
    public Task An_hs256_token_signed_with_the_public_key_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256WithPublicKey(World.Superadmin, Platform.Jwks.Rsa));

    [Test]
    public Task A_token_without_sub_is_refused() => AssertRefusedAsync(Tokens.Hs256(null, World.Superadmin.Email));

    [Test]
    public Task A_token_without_email_is_refused() => AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, null));

    [Test]
    public Task A_token_without_iat_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, d => d.IssuedAt = null));

    [Test]
    public Task A_token_issued_in_the_future_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, d => d.IssuedAt = DateTime.UtcNow.AddMinutes(10)));

    [Test]
    public Task A_token_with_a_critical_header_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email,
            d => d.AdditionalHeaderClaims = new Dictionary<string, object> { ["crit"] = new[] { "exp-ext" }, ["exp-ext"] = true }));

    [TestCase("exp")]
    [TestCase("iat")]
    [TestCase("nbf")]
    public Task A_token_whose_times_are_strings_is_refused(string claim)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object>
        {
            ["sub"] = World.Superadmin.Id, ["email"] = World.Superadmin.Email, ["role"] = "authenticated",
            ["aud"] = Tokens.Audience, ["iss"] = Tokens.Issuer, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        };
        payload[claim] = ((long)payload[claim]).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return AssertRefusedAsync(Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT" }, payload));
    }

    /// <summary>A token with everything Supabase's access tokens carry passes the shape checks.</summary>
    [Test]
    public async Task A_token_with_supabases_full_claim_set_is_accepted()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT", kid = "Vp4bqGbFR2FkqGmQ" }, new Dictionary<string, object?>
        {
            ["iss"] = Tokens.Issuer, ["sub"] = World.DistributorUser1.Id, ["aud"] = Tokens.Audience, ["exp"] = now + 3600, ["iat"] = now,
            ["email"] = World.DistributorUser1.Email, ["phone"] = "", ["app_metadata"] = new { provider = "email", providers = new[] { "email" } },
            ["user_metadata"] = new { email_verified = true }, ["role"] = "authenticated", ["aal"] = "aal1",
            ["amr"] = new[] { new { method = "password", timestamp = now } }, ["session_id"] = Guid.NewGuid(), ["is_anonymous"] = false,
        });

        Assert.That((await MeAsync(token, HttpStatusCode.OK)).GetProperty("data").GetProperty("id").GetGuid(), Is.EqualTo(World.DistributorUser1.Id));
    }

    /// <summary>The same token with numeric times is accepted, so the refusals above are about the type alone.</summary>
    [Test]
    public async Task A_hand_made_token_with_numeric_times_is_accepted()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var token = Tokens.Hs256Raw(new { alg = "HS256", typ = "JWT" }, new
        {
            sub = World.Superadmin.Id, email = World.Superadmin.Email, role = "authenticated", aud = Tokens.Audience, iss = Tokens.Issuer,
            iat = now, nbf = now, exp = now + 600,
        });

        Assert.That((await MeAsync(token, HttpStatusCode.OK)).GetProperty("data").GetProperty("id").GetGuid(), Is.EqualTo(World.Superadmin.Id));
    }

    [Test]
    public Task A_token_for_another_audience_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, d => d.Audience = "service_role"));

    [Test]
    public Task A_token_from_another_issuer_is_refused() =>
        AssertRefusedAsync(Tokens.Hs256(World.Superadmin.Id, World.Superadmin.Email, d => d.Issuer = "https://evil.example/auth/v1"));

    [Test]
    public Task A_token_signed_with_an_unknown_jwks_key_is_refused()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = Platform.Jwks.KeyId }, SecurityAlgorithms.RsaSha256);
        return AssertRefusedAsync(Tokens.Create(World.Superadmin.Id, World.Superadmin.Email, credentials));
    }

    [TestCase("dev-bypass-admin@evaratech.com")]
    [TestCase("dev-bypass-")]
    [TestCase("not-a-token")]
    public Task A_bypass_or_garbage_token_is_refused(string token) => AssertRefusedAsync(token);

    [Test]
    public Task A_valid_token_without_a_profile_is_refused_as_not_synchronized() =>
        AssertRefusedAsync(Tokens.Hs256(Guid.NewGuid(), "nobody@evara.test"), "USER_PROFILE_NOT_SYNCHRONIZED");

    [Test]
    public Task A_valid_token_of_a_deactivated_user_is_refused() =>
        AssertRefusedAsync(Tokens.For(World.InactiveUser), "USER_INACTIVE");

    [Test]
    public async Task No_token_is_a_401_envelope()
    {
        var envelope = await (await Client.GetAsync("/api/v1/me")).ReadEnvelopeAsync(HttpStatusCode.Unauthorized);

        Assert.That(envelope.Errors().Single().Code(), Is.EqualTo("UNAUTHORIZED"));
    }
}
