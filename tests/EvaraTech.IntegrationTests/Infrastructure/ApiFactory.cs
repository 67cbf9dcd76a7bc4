using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>The real API host (Program) in the ASP.NET Core test server, pointed at a test database.</summary>
public sealed class ApiFactory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
{
    /// <summary>The local issuer's secret in tests: long enough for HS256, used nowhere else.</summary>
    public const string TestJwtSecret = "integration-tests-only-secret-0123456789abcdef";

    /// <summary>The auth webhook's Standard Webhooks secret in tests.</summary>
    public const string TestWebhookSecret = "v1,whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    public static ApiFactory For(TestDatabase database, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = database.AppConnectionString,
            ["ConnectionStrings:PostgresAdmin"] = database.AdminConnectionString,
            ["ConnectionStrings:Redis"] = "",
            ["Jobs:ServerEnabled"] = "false",
            ["Auth:Secret"] = TestJwtSecret,
            ["Auth:Issuer"] = "http://localhost/auth/v1",
            ["Auth:LocalIssuerEnabled"] = "true",
            ["Auth:WebhookSecret"] = TestWebhookSecret,
            // Every test client shares one address; the limit itself is tested with a host of its own.
            ["Auth:LoginAttemptsPerClientPerMinute"] = "100000",
            ["Auth:LoginFailuresPerEmail"] = "100000",
            ["Auth:LoginFailuresPerAccount"] = "100000",
            ["Auth:LoginFailuresPerClient"] = "100000",
            ["DevicePush:WrongKeysPerClientPerMinute"] = "100000",
            // Poll cycles run whole at once in tests; the spreading itself is tested with a setting of its own.
            ["Polling:SpreadSeconds"] = "0",
            // Each host archives into a folder of its own, never the user's.
            ["Archive:Directory"] = Path.Combine(Path.GetTempPath(), "evaratech-test-archive", Guid.NewGuid().ToString("N")),
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new ApiFactory(settings);
    }

    /// <summary>
    /// Hangfire keeps one process-wide log provider, pointed at the logger factory of the last host that configured it;
    /// a test process builds many hosts, so a disposed one must not leave it behind (a later first use of Hangfire's
    /// statics would fail for the rest of the run).
    /// </summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);
        if (settings.GetValueOrDefault("Archive:Directory") is { } archive && Directory.Exists(archive))
        {
            Directory.Delete(archive, recursive: true);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Many hosts run at once: only the MQTT tests start a broker, each on a port of its own (MQTT's default port
        // may be held by another host or a local mosquitto).
        builder.UseSetting("Mqtt:Mode", "off");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
