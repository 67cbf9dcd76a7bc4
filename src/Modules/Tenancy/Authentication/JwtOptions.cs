namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>The <c>Auth</c> settings section: how Supabase-shaped tokens are validated and, locally, issued.</summary>
public sealed class JwtOptions
{
    public const string Section = "Auth";

    /// <summary>The HS256 project secret (Supabase's JWT secret, or the local issuer's).</summary>
    public string Secret { get; set; } = "";

    /// <summary>Expected <c>iss</c>; checked when set (Supabase: <c>https://&lt;project&gt;.supabase.co/auth/v1</c>).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Expected <c>aud</c>; checked when set.</summary>
    public string Audience { get; set; } = "authenticated";

    /// <summary>
    /// The Supabase project's URL (<c>https://&lt;project&gt;.supabase.co</c>, a trailing <c>/</c> or not): when set, the
    /// issuer and the JWKS default to its <c>/auth/v1</c> and <c>/auth/v1/.well-known/jwks.json</c>.
    /// </summary>
    public string SupabaseUrl { get; set; } = "";

    /// <summary>The identity provider's JWKS, for asymmetric (RS256/ES256) tokens; optional.</summary>
    public string JwksUrl { get; set; } = "";

    /// <summary>The shortest gap between two JWKS fetches: tokens with unknown key ids wait together for the next one.</summary>
    public TimeSpan JwksRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How old the cached JWKS may grow before it is re-read in the background.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long, at most, a key the provider has removed is still trusted: beyond this age a token waits for a fresh
    /// key set (while the provider answers; when it does not, the last keys it published stay in use).
    /// </summary>
    public TimeSpan JwksMaximumKeyAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Standard Webhooks secret of the auth webhook (<c>v1,whsec_…</c>); the webhook is off without it.</summary>
    public string WebhookSecret { get; set; } = "";

    /// <summary>The local password-login issuer: on only in Development and the embedded default.</summary>
    public bool LocalIssuerEnabled { get; set; }

    public TimeSpan LocalTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Login attempts allowed per client address per minute.</summary>
    public int LoginAttemptsPerClientPerMinute { get; set; } = 20;

    /// <summary>Failed logins of one account from one client address before each further attempt from there waits.</summary>
    public int LoginFailuresPerEmail { get; set; } = 5;

    /// <summary>Failed logins of one account from all addresses before every attempt on it waits (distributed guessing).</summary>
    public int LoginFailuresPerAccount { get; set; } = 50;

    /// <summary>Failed logins from one client address, whatever the accounts, before its attempts wait (password spraying).</summary>
    public int LoginFailuresPerClient { get; set; } = 20;

    /// <summary>The wait after the first failure past a threshold; it doubles with each further failure.</summary>
    public TimeSpan LoginFirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan LoginMaximumDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures older than this are forgotten.</summary>
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Secrets that exist in this repository or in public tooling: refused in Production.</summary>
    public static readonly IReadOnlySet<string> KnownDevelopmentSecrets = new HashSet<string>(StringComparer.Ordinal)
    {
        "evaratech-local-development-secret-not-for-production",
        "integration-tests-only-secret-0123456789abcdef",
        "benchmark-only-secret-0123456789abcdef0123456789",
        // The Supabase CLI's local default.
        "super-secret-jwt-token-with-at-least-32-characters-long",
    };

    public const string LocalIssuerName = "evaratech-local";

    /// <summary>Fills the issuer and JWKS left unset from <see cref="SupabaseUrl"/>.</summary>
    public void ApplySupabaseUrl()
    {
        if (string.IsNullOrWhiteSpace(SupabaseUrl))
        {
            return;
        }

        var auth = SupabaseUrl.Trim().TrimEnd('/') + "/auth/v1";
        if (string.IsNullOrEmpty(Issuer))
        {
            Issuer = auth;
        }

        if (string.IsNullOrEmpty(JwksUrl))
        {
            JwksUrl = auth + "/.well-known/jwks.json";
        }
    }
}
