using Microsoft.Extensions.Hosting;

namespace EvaraTech.Modules.Tenancy.Authentication;

/// <summary>
/// Start-up refuses a Production host configured for development: the local issuer on, a secret that exists in
/// this repository or in public tooling, the local issuer's name, or no way to validate tokens at all.
/// </summary>
public static class ProductionSafety
{
    public static string? Violation(JwtOptions options, IHostEnvironment environment)
    {
        if (!environment.IsProduction())
        {
            return null;
        }

        if (options.LocalIssuerEnabled)
        {
            return "Auth:LocalIssuerEnabled must be false in Production.";
        }

        if (JwtOptions.KnownDevelopmentSecrets.Contains(options.Secret))
        {
            return "Auth:Secret is a known development secret; configure the Supabase project's JWT secret.";
        }

        if (options.Issuer == JwtOptions.LocalIssuerName)
        {
            return "Auth:Issuer names the local development issuer; configure the Supabase issuer.";
        }

        if (options.Secret.Length < 32 && string.IsNullOrEmpty(options.JwksUrl))
        {
            return "Configure Auth:Secret (at least 32 characters) or Auth:JwksUrl.";
        }

        return null;
    }
}
