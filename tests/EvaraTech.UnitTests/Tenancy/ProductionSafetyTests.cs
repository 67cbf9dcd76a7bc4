using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace EvaraTech.UnitTests.Tenancy;

public sealed class ProductionSafetyTests
{
    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "EvaraTech.Api";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    private static JwtOptions Safe() => new()
    {
        Secret = "a-production-secret-that-nobody-has-seen-0123456789",
        Issuer = "https://project.supabase.co/auth/v1",
    };

    [Test]
    public void Production_settings_pass() =>
        Assert.That(ProductionSafety.Violation(Safe(), new Environment("Production")), Is.Null);

    [Test]
    public void Development_may_use_the_local_issuer()
    {
        var options = Safe();
        options.LocalIssuerEnabled = true;
        options.Secret = "evaratech-local-development-secret-not-for-production";

        Assert.That(ProductionSafety.Violation(options, new Environment("Development")), Is.Null);
    }

    private static IEnumerable<TestCaseData> Unsafe()
    {
        yield return new TestCaseData(new Action<JwtOptions>(o => o.LocalIssuerEnabled = true), "LocalIssuerEnabled").SetName("local issuer");
        yield return new TestCaseData(new Action<JwtOptions>(o => o.Secret = "evaratech-local-development-secret-not-for-production"), "known development secret").SetName("repository secret");
        yield return new TestCaseData(new Action<JwtOptions>(o => o.Secret = "super-secret-jwt-token-with-at-least-32-characters-long"), "known development secret").SetName("supabase cli secret");
        yield return new TestCaseData(new Action<JwtOptions>(o => o.Issuer = JwtOptions.LocalIssuerName), "local development issuer").SetName("local issuer name");
        yield return new TestCaseData(new Action<JwtOptions>(o => o.Secret = "short"), "at least 32 characters").SetName("weak secret without jwks");
    }

    [TestCaseSource(nameof(Unsafe))]
    public void Production_refuses(Action<JwtOptions> change, string reason)
    {
        var options = Safe();
        change(options);

        Assert.That(ProductionSafety.Violation(options, new Environment("Production")), Does.Contain(reason));
    }
}
