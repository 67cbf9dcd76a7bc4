using EvaraTech.Modules.Tenancy.Authentication;
using EvaraTech.TestSupport;
using YamlDotNet.RepresentationModel;

namespace EvaraTech.UnitTests.Deployment;

/// <summary>
/// The users' Docker stack, read as a reviewer would (no engine runs here): facts about docker-compose.yml and the
/// build context that a broken start-up on a user's machine once came from.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly string Root = Checkout.Root;

    private static YamlMappingNode Services()
    {
        var yaml = new YamlStream();
        using var reader = File.OpenText(Path.Combine(Root, "docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services()[name];

    private static string Environment(string service, string name) =>
        ((YamlScalarNode)((YamlMappingNode)Service(service)["environment"])[name]).Value!;

    [Test]
    public void The_api_restarts_and_waits_for_a_database_that_has_finished_initialising()
    {
        var api = Service("api");
        var healthcheck = string.Join(' ', ((YamlSequenceNode)((YamlMappingNode)Service("db")["healthcheck"])["test"]).Select(n => ((YamlScalarNode)n).Value));

        Assert.Multiple(() =>
        {
            Assert.That(((YamlScalarNode)api["restart"]).Value, Is.EqualTo("unless-stopped"));
            Assert.That(((YamlScalarNode)((YamlMappingNode)((YamlMappingNode)api["depends_on"])["db"])["condition"]).Value, Is.EqualTo("service_healthy"));
            Assert.That(healthcheck, Does.Contain("pg_isready").And.Contain("evara_app"), "healthy only once the init script has created the app login");
        });
    }

    /// <summary>The memory the back-fill benchmark measures the API in: a 512 MiB container, the GC heap at half of it.</summary>
    [Test]
    public void The_api_runs_in_a_bounded_container_with_its_gc_heap_inside_the_bound() =>
        Assert.Multiple(() =>
        {
            Assert.That(((YamlScalarNode)Service("api")["mem_limit"]).Value, Is.EqualTo("${EVARA_API_MEMORY:-512m}"));
            Assert.That(Convert.ToInt32(Environment("api", "DOTNET_GCHeapHardLimitPercent"), 16), Is.EqualTo(50), "read by the runtime as hexadecimal");
            Assert.That(Environment("api", "DOTNET_EnableWriteXorExecute"), Is.EqualTo("0"));
        });

    [Test]
    public void The_init_script_is_mounted_beside_the_images_own_not_over_them()
    {
        var mounts = ((YamlSequenceNode)Service("db")["volumes"]).Select(n => ((YamlScalarNode)n).Value!).ToList();
        var init = mounts.Single(m => m.Contains("/docker-entrypoint-initdb.d", StringComparison.Ordinal));

        Assert.That(init.Split(':')[1], Does.StartWith("/docker-entrypoint-initdb.d/").And.EndWith(".sh"));
        Assert.That(File.Exists(Path.Combine(Root, init.Split(':')[0])), Is.True);
    }

    [TestCase("ConnectionStrings__Postgres")]
    [TestCase("ConnectionStrings__PostgresAdmin")]
    public void Passwords_in_connection_strings_are_quoted(string setting) =>
        Assert.That(Environment("api", setting), Does.Match("Password=\"\\$\\{[A-Z_]+\\}\"$"));

    [Test]
    public void The_supabase_url_is_passed_whole_and_a_trailing_slash_is_tolerated()
    {
        var options = new JwtOptions { SupabaseUrl = "https://project.supabase.co/" };
        options.ApplySupabaseUrl();

        Assert.Multiple(() =>
        {
            Assert.That(Environment("api", "Auth__SupabaseUrl"), Does.StartWith("${SUPABASE_URL"));
            Assert.That(Service("api")["environment"].ToString(), Does.Not.Contain("}/auth/v1"), "no URL is glued to a path in the compose file");
            Assert.That(options.Issuer, Is.EqualTo("https://project.supabase.co/auth/v1"));
            Assert.That(options.JwksUrl, Is.EqualTo("https://project.supabase.co/auth/v1/.well-known/jwks.json"));
        });
    }

    [Test]
    public void The_demo_runs_as_the_demo_environment_as_the_operations_guide_says()
    {
        var guide = File.ReadAllText(Path.Combine(Root, "docs", "OPERATIONS.md"));
        var settings = File.ReadAllText(Path.Combine(Root, "src", "Api", "appsettings.Demo.json"));

        Assert.Multiple(() =>
        {
            Assert.That(Environment("api", "ASPNETCORE_ENVIRONMENT"), Is.EqualTo("${EVARA_ENVIRONMENT:-Production}"));
            Assert.That(Service("api")["environment"].ToString(), Does.Not.Contain("LocalIssuerEnabled").And.Not.Contain("Demo__Seed"),
                "nothing in the compose file overrides what the environment's settings say");
            Assert.That(guide, Does.Contain("EVARA_ENVIRONMENT=Demo"));
            Assert.That(settings, Does.Contain("\"LocalIssuerEnabled\": true").And.Contain("\"Seed\": true"));
        });
    }

    [Test]
    public void The_channel_key_secret_is_required_not_defaulted() =>
        Assert.That(Environment("api", "ChannelKeys__Secret"), Does.Match(@"^\$\{EVARA_CHANNEL_KEY_SECRET:\?"));

    [Test]
    public void The_build_context_leaves_out_local_data_and_build_outputs()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet();

        Assert.That(ignored, Is.SupersetOf(new[] { ".data", "**/bin", "**/obj", "**/node_modules" }));
    }
}
