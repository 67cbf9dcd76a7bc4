namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>The <c>Auth</c> settings section: how Supabase-shaped tokens are validated and, locally, issued.</summary>
public sealed class JwtOptions
{
    public const string Section = "Auth";

    /// <summary>The HS256 project secret (Supabase's JWT secret, or the local issuer's).</summary>
    public string Secret { get; set; } = "";

    public string Issuer { get; set; } = "";

    public string Audience { get; set; } = "authenticated";

    /// <summary>The local password-login issuer: on only in Development and the embedded default.</summary>
    public bool LocalIssuerEnabled { get; set; }

    public TimeSpan LocalTokenLifetime { get; set; } = TimeSpan.FromHours(1);
}
