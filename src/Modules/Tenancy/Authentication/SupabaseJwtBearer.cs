using System.Text;
using System.Text.Json;
using EvaraTech.Infrastructure.Http;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Validation of Supabase-issued access tokens: HS256 with the project secret, RS256/ES256 with the JWKS keys;
/// signature, exp, nbf, iat (required, numeric, not in the future), no <c>crit</c> header, issuer and audience when
/// configured, 30 s clock skew. A key is only ever
/// offered for its own algorithm family, which closes algorithm confusion (an HS256 token "signed" with the
/// public key) and <c>alg: none</c>. The profile behind <c>sub</c> is then loaded from the database.
/// </summary>
public sealed class SupabaseJwtBearer(IOptions<JwtOptions> jwtOptions, JwksKeyCache jwks) : IConfigureNamedOptions<JwtBearerOptions>
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private static readonly string[] Algorithms = [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    public void Configure(string? name, JwtBearerOptions options) => Configure(options);

    public void Configure(JwtBearerOptions options)
    {
        var settings = jwtOptions.Value;
        var secret = string.IsNullOrEmpty(settings.Secret) ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(settings.Secret));

        options.MapInboundClaims = false;
        options.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKeyResolver = (_, token, keyId, _) => KeysFor(token, keyId, secret),
            ValidateIssuer = !string.IsNullOrEmpty(settings.Issuer),
            ValidIssuer = settings.Issuer,
            ValidateAudience = !string.IsNullOrEmpty(settings.Audience),
            ValidAudience = settings.Audience,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            NameClaimType = JwtRegisteredClaimNames.Sub,
        };
        options.Events = new JwtBearerEvents
        {
            OnMessageReceived = ReceiveTokenAsync,
            OnTokenValidated = LoadProfileAsync,
            OnChallenge = WriteUnauthorizedAsync,
            OnForbidden = WriteForbiddenAsync,
        };
    }

    private IEnumerable<SecurityKey> KeysFor(SecurityToken token, string? keyId, SymmetricSecurityKey? secret)
    {
        var algorithm = (token as JsonWebToken)?.Alg ?? "";
        if (algorithm.StartsWith("HS", StringComparison.Ordinal))
        {
            return secret is null ? [] : [secret];
        }

        return jwks.KeysFor(keyId);
    }

    public const string DashboardCookie = "evara_dashboard_token";

    private async Task ReceiveTokenAsync(MessageReceivedContext context)
    {
        AcceptQueryTokenForHubs(context);
        var token = context.Token ?? BearerToken(context.Request.Headers.Authorization.ToString());
        if (TryReadProviderKeyId(token, out var keyId))
        {
            await jwks.PrepareAsync(keyId, context.HttpContext.RequestAborted);
        }
    }

    private static string? BearerToken(string authorization) =>
        authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;

    /// <summary>Whether the token is signed with a provider key (RS/ES), and its key id, read before validation.</summary>
    private static bool TryReadProviderKeyId(string? token, out string? keyId)
    {
        keyId = null;
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        try
        {
            var jwt = new JsonWebToken(token);
            keyId = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
            return jwt.Alg is { } alg && (alg.StartsWith("RS", StringComparison.Ordinal) || alg.StartsWith("ES", StringComparison.Ordinal));
        }
        catch (ArgumentException)
        {
            // Not a JWT at all: the handler refuses it without the key set.
            return false;
        }
    }

    /// <summary>
    /// Browsers cannot set headers on WebSocket requests (SignalR sends the token as <c>access_token</c>) nor on the
    /// Hangfire dashboard's page loads (the first visit passes <c>access_token</c>, kept in an HttpOnly cookie).
    /// </summary>
    private static void AcceptQueryTokenForHubs(MessageReceivedContext context)
    {
        var path = context.HttpContext.Request.Path;
        var queryToken = context.Request.Query["access_token"].ToString();
        if (path.StartsWithSegments("/hubs", StringComparison.Ordinal) && queryToken.Length > 0)
        {
            context.Token = queryToken;
        }
        else if (path.StartsWithSegments("/hangfire", StringComparison.Ordinal))
        {
            if (queryToken.Length > 0)
            {
                context.Token = queryToken;
                context.Response.Cookies.Append(DashboardCookie, queryToken, new CookieOptions
                {
                    HttpOnly = true,
                    SameSite = SameSiteMode.Strict,
                    Secure = context.Request.IsHttps,
                    Path = "/hangfire",
                });
            }
            else if (context.Request.Cookies.TryGetValue(DashboardCookie, out var cookieToken))
            {
                context.Token = cookieToken;
            }
        }
    }

    private static async Task LoadProfileAsync(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken token)
        {
            context.Fail("The token is not a JWT.");
            return;
        }

        if (ShapeProblem(token, DateTime.UtcNow) is { } problem)
        {
            context.Fail(problem);
            return;
        }

        if (!Guid.TryParse(token.Subject, out var userId) || !token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Email, out var email)
            || string.IsNullOrWhiteSpace(email))
        {
            context.Fail("The token must carry a user id (sub) and an email.");
            return;
        }

        var services = context.HttpContext.RequestServices;
        var profile = await services.GetRequiredService<UserProfileLookup>().FindAsync(userId, context.HttpContext.RequestAborted);
        if (profile is null)
        {
            context.Fail(new AuthenticationFailures.ProfileRefused(AuthenticationFailures.ProfileNotSynchronized,
                "The user has no profile on this platform yet."));
            return;
        }

        if (!profile.IsActive)
        {
            context.Fail(new AuthenticationFailures.ProfileRefused(AuthenticationFailures.UserInactive, "The user is deactivated."));
            return;
        }

        services.GetRequiredService<CurrentUser>().SignIn(profile);
    }

    /// <summary>
    /// What the signature and lifetime checks leave open: <c>iat</c> is required and not in the future (beyond the
    /// clock skew); <c>exp</c>, <c>nbf</c> and <c>iat</c> are NumericDates, never strings (the token library reads a
    /// string as a number, so the raw payload is checked); and a <c>crit</c> header is refused, since this platform
    /// understands no JWS extension (RFC 7515 §4.1.11).
    /// </summary>
    /// <returns>why the token is refused, or null</returns>
    internal static string? ShapeProblem(JsonWebToken token, DateTime now)
    {
        if (token.TryGetHeaderValue<object>("crit", out _))
        {
            return "The token has a critical header this platform does not understand.";
        }

        using (var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.EncodedPayload)))
        {
            foreach (var name in new[] { JwtRegisteredClaimNames.Exp, JwtRegisteredClaimNames.Nbf, JwtRegisteredClaimNames.Iat })
            {
                if (payload.RootElement.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Number)
                {
                    return $"The token's {name} is not a number.";
                }
            }
        }

        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _))
        {
            return "The token has no iat claim.";
        }

        return token.IssuedAt > now + ClockSkew ? "The token was issued in the future." : null;
    }

    private static async Task WriteUnauthorizedAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var (code, message) = context.AuthenticateFailure switch
        {
            AuthenticationFailures.ProfileRefused refused => (refused.Code, refused.Message),
            null when string.IsNullOrEmpty(context.Request.Headers.Authorization) =>
                (AuthenticationFailures.MissingToken, "Authentication is required: send a valid bearer token."),
            _ => (AuthenticationFailures.InvalidToken, "The access token is invalid or expired."),
        };

        if (code != AuthenticationFailures.MissingToken)
        {
            context.HttpContext.RequestServices.GetRequiredService<RefusedTokenReporter>().Record(code);
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await context.Response.WriteAsJsonAsync(ApiResults.Failure(context.HttpContext, code, message));
    }

    private static Task WriteForbiddenAsync(ForbiddenContext context)
    {
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsJsonAsync(ApiResults.Failure(context.HttpContext, ErrorCodes.Forbidden, "You do not have permission for this action."));
    }
}
