using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvaraTech.IntegrationTests.Tenancy;

/// <summary>A Production host configured like a development machine refuses to start.</summary>
public sealed class ProductionSafetyTests
{
    [TestCase("Auth:LocalIssuerEnabled", "true")]
    [TestCase("Auth:Secret", "evaratech-local-development-secret-not-for-production")]
    [TestCase("Auth:Secret", "super-secret-jwt-token-with-at-least-32-characters-long")]
    [TestCase("Auth:Issuer", "evaratech-local")]
    public void Production_refuses_development_authentication_settings(string key, string value)
    {
        using var api = new ProductionFactory(Settings(key, value));

        var failure = Assert.Catch(() => _ = api.Server);

        Assert.That(failure!.ToString(), Does.Contain("Unsafe authentication settings for Production"));
    }

    [TestCase("evaratech-local-channel-key-secret-not-for-production")]
    [TestCase("too-short")]
    public void Production_refuses_a_development_or_short_channel_key_secret(string secret)
    {
        using var api = new ProductionFactory(Settings("ChannelKeys:Secret", secret));

        var failure = Assert.Catch(() => _ = api.Server);

        Assert.That(failure!.ToString(), Does.Contain("ChannelKeys:Secret"));
    }

    [Test]
    public void Production_starts_with_production_settings()
    {
        using var api = new ProductionFactory(Settings("Auth:Audience", "authenticated"));

        Assert.That(() => _ = api.Server, Throws.Nothing);
    }

    private static Dictionary<string, string?> Settings(string key, string value) => new()
    {
        ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
        ["Database:MigrateOnStartup"] = "false",
        ["Jobs:ServerEnabled"] = "false",
        ["Auth:Secret"] = "a-production-secret-that-nobody-has-seen-0123456789",
        ["Auth:Issuer"] = "https://project.supabase.co/auth/v1",
        ["Auth:LocalIssuerEnabled"] = "false",
        ["ChannelKeys:Secret"] = "this-installation-channel-key-secret-0123456789",
        [key] = value,
    };

    private sealed class ProductionFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
