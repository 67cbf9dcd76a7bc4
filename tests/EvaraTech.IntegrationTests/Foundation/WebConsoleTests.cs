using System.Net;
using EvaraTech.IntegrationTests.Infrastructure;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>The console served at / beside the API, from a build folder of its own that the test writes.</summary>
[NonParallelizable]
public sealed class WebConsoleTests
{
    private const string Index = "<!doctype html><title>EvaraTech</title><div id=\"root\"></div>";

    private string _root = null!;
    private ApiFactory _api = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _root = Directory.CreateTempSubdirectory("web-console-").FullName;
        Directory.CreateDirectory(Path.Combine(_root, "assets"));
        File.WriteAllText(Path.Combine(_root, "index.html"), Index);
        File.WriteAllText(Path.Combine(_root, "assets", "index-abc123.js"), "console.log('console');");
        _api = ApiFactory.For(Platform.Database, new Dictionary<string, string?>
        {
            ["Web:Root"] = _root,
            ["Console:SupabaseUrl"] = "https://project.supabase.co/",
            ["Console:SupabaseAnonKey"] = "public-anon-key",
        });
        _client = _api.CreateClient();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [TestCase("/")]
    [TestCase("/overview")]
    [TestCase("/nodes/0196f000-0000-7000-8000-000000000001?range=7d")]
    public async Task The_console_answers_its_own_routes_uncached(string path)
    {
        var response = await _client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(Index));
        Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
        Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }), "never framed by another site");
        Assert.That(response.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
    }

    [Test]
    public async Task Hashed_assets_are_cached_for_a_year()
    {
        var response = await _client.GetAsync("/assets/index-abc123.js");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Headers.CacheControl?.ToString(), Is.EqualTo("public, max-age=31536000, immutable"));
    }

    [TestCase("/api/v1/no-such-route", HttpStatusCode.NotFound, "ROUTE_NOT_FOUND")]
    [TestCase("/api/v1/nodes", HttpStatusCode.Unauthorized, "UNAUTHORIZED")]
    [TestCase("/hubs/nothing", HttpStatusCode.NotFound, "ROUTE_NOT_FOUND")]
    [TestCase("/assets/missing.js", HttpStatusCode.NotFound, "ROUTE_NOT_FOUND")]
    public async Task The_platforms_own_paths_keep_their_meaning(string path, HttpStatusCode status, string code)
    {
        var response = await _client.GetAsync(path);

        Assert.That((await response.ReadEnvelopeAsync(status)).Errors()[0].Code(), Is.EqualTo(code));
    }

    [Test]
    public async Task The_sign_in_settings_are_public_and_hold_no_secret()
    {
        var response = await _client.GetAsync("/api/v1/console/settings");

        var body = await response.Content.ReadAsStringAsync();
        var data = (await response.ReadEnvelopeAsync(HttpStatusCode.OK)).GetProperty("data");
        Assert.That(data.GetProperty("supabaseUrl").GetString(), Is.EqualTo("https://project.supabase.co"));
        Assert.That(data.GetProperty("supabaseAnonKey").GetString(), Is.EqualTo("public-anon-key"));
        Assert.That(data.GetProperty("localLogin").GetBoolean(), Is.True);
        Assert.That(body, Does.Not.Contain(ApiFactory.TestJwtSecret));
        Assert.That(response.Headers.CacheControl?.NoCache, Is.True);
    }

    [Test]
    public async Task Health_and_the_openapi_document_are_still_theirs()
    {
        Assert.That((await _client.GetAsync("/health/live")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await _client.GetStringAsync("/openapi/v1.json"), Does.StartWith("{"));
    }
}
