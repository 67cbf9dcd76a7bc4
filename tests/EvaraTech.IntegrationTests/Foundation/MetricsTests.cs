using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>
/// The Prometheus scrape endpoint: guarded by its token (or, without one, open to this machine only), and carrying
/// the platform's own metrics, which move as the platform works; scraped by a real Prometheus server.
/// </summary>
public sealed partial class MetricsTests : TenantWorldTest
{
    private const string Token = "scrape-token-for-tests-0123456789";

    private static WebApplicationFactory<Program> Host(string? token, IPAddress? client = null) =>
        Platform.Api.WithWebHostBuilder(host =>
        {
            host.UseSetting("Metrics:ScrapeToken", token ?? "");
            if (client is not null)
            {
                host.ConfigureTestServices(services => services.AddSingleton<IStartupFilter>(new ClientAddress(client)));
            }
        });

    /// <summary>Requests arrive from <paramref name="address"/> (the test server has no network of its own).</summary>
    private sealed class ClientAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                context.Connection.RemoteIpAddress = address;
                return then(context);
            });
            next(app);
        };
    }

    private static HttpClient Scraper(WebApplicationFactory<Program> api, string? token)
    {
        var client = api.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    [Test]
    public async Task With_a_token_set_a_scrape_without_it_or_with_another_is_refused()
    {
        await using var api = Host(Token, IPAddress.Loopback);

        var without = await Scraper(api, null).GetAsync(MetricsPath);
        var wrong = await Scraper(api, Token + "x").GetAsync(MetricsPath);
        var right = await Scraper(api, Token).GetAsync(MetricsPath);

        var error = await without.ReadEnvelopeAsync(HttpStatusCode.Unauthorized);
        Assert.Multiple(async () =>
        {
            Assert.That(error.GetProperty("errors")[0].Code(), Is.EqualTo("UNAUTHORIZED"));
            Assert.That(without.Headers.WwwAuthenticate.Single().Scheme, Is.EqualTo("Bearer"));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "not even from this machine: the token rules");
            Assert.That(right.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await right.Content.ReadAsStringAsync(), Does.Contain("# TYPE "));
        });
    }

    [Test]
    public async Task Without_a_token_only_this_machine_may_scrape()
    {
        await using var elsewhere = Host(null, IPAddress.Parse("203.0.113.7"));
        await using var here = Host(null, IPAddress.Loopback);

        var refused = await Scraper(elsewhere, null).GetAsync(MetricsPath);
        var served = await Scraper(here, null).GetAsync(MetricsPath);
        using var proxied = Scraper(here, null);
        proxied.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.4");
        var throughProxy = await proxied.GetAsync(MetricsPath);

        var error = await refused.ReadEnvelopeAsync(HttpStatusCode.Forbidden);
        Assert.Multiple(() =>
        {
            Assert.That(error.GetProperty("errors")[0].Code(), Is.EqualTo("FORBIDDEN"));
            Assert.That(error.GetProperty("errors")[0].GetProperty("message").GetString(), Does.Contain("Metrics:ScrapeToken"));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(throughProxy.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "a request a proxy on this machine forwarded is not from this machine");
        });
    }

    [Test]
    public async Task Readings_stored_and_refused_and_cache_look_ups_are_counted_per_source_and_reason()
    {
        await using var api = Host(Token);
        using var scraper = Scraper(api, Token);
        await NodeBuilder.OfDistributor(World.Distributor1).Named("METRICSKEY000001", "METRICSKEY000001").WithState().WithTank(300)
            .WithChannel(4_700_001, writeKey: "METRICSKEY000001").WithMapping("field1", "water_level_cm").InsertAsync(Database);
        var before = await ScrapeAsync(scraper);

        using var device = api.CreateClient();
        Assert.That(await device.GetStringAsync("/update?api_key=METRICSKEY000001&field1=120"), Is.Not.EqualTo("0"));
        await device.GetAsync("/update?api_key=METRICSKEY000001&field1=abc");
        using var user = api.CreateClient();
        user.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(World.DistributorUser1));
        await user.GetAsync("/api/v1/nodes");
        await user.GetAsync("/api/v1/nodes");

        var after = await ScrapeUntilAsync(scraper, now => Value(now, "evaratech_readings_refused_total", "source=\"push\"", "reason=\"invalid\"")
            > Value(before, "evaratech_readings_refused_total", "source=\"push\"", "reason=\"invalid\""));

        Assert.Multiple(() =>
        {
            Assert.That(Value(after, "evaratech_readings_stored_total", "source=\"push\"") - Value(before, "evaratech_readings_stored_total", "source=\"push\""),
                Is.EqualTo(1));
            Assert.That(Value(after, "evaratech_readings_refused_total", "source=\"push\"", "reason=\"invalid\"")
                - Value(before, "evaratech_readings_refused_total", "source=\"push\"", "reason=\"invalid\""), Is.EqualTo(1));
            Assert.That(Value(after, "evaratech_cache_lookups_total", "result=\"hit\"") + Value(after, "evaratech_cache_lookups_total", "result=\"miss\"")
                - Value(before, "evaratech_cache_lookups_total", "result=\"hit\"") - Value(before, "evaratech_cache_lookups_total", "result=\"miss\""),
                Is.Positive);
            Assert.That(after, Does.Contain("# HELP evaratech_readings_refused_total"));
        });
    }

    /// <summary>
    /// The platform as it runs (its own process) scraped by Debian's Prometheus with the bearer token, as an operator's
    /// scrape configuration would: the target is up and a device's push shows in Prometheus's own query answer.
    /// </summary>
    [Test]
    public async Task A_real_prometheus_scrapes_the_platform_with_its_token_and_sees_a_push()
    {
        var apiPort = FreePorts.Next();
        using var platform = await PlatformProcess.StartAsync($"http://127.0.0.1:{apiPort}", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = Database.AppConnectionString,
            ["ConnectionStrings__PostgresAdmin"] = Database.AdminConnectionString,
            ["ConnectionStrings__Redis"] = "",
            ["Demo__Seed"] = "false",
            ["Jobs__ServerEnabled"] = "false",
            ["Metrics__ScrapeToken"] = Token,
        }, "metrics");
        await NodeBuilder.OfDistributor(World.Distributor1).Named("METRICSKEY000002", "METRICSKEY000002").WithState().WithTank(300)
            .WithChannel(4_700_002, writeKey: "METRICSKEY000002").WithMapping("field1", "water_level_cm").InsertAsync(Database);
        using var device = new HttpClient { BaseAddress = platform.BaseAddress };
        Assert.That(await device.GetStringAsync("/update?api_key=METRICSKEY000002&field1=120"), Is.Not.EqualTo("0"));

        using var prometheus = PrometheusServer.Start(platform.BaseAddress, Token);
        var up = await prometheus.QueryUntilAsync("up{job=\"evaratech\"}", value => value == 1);
        var stored = await prometheus.QueryUntilAsync("sum(evaratech_readings_stored_total{job=\"evaratech\",source=\"push\"})", value => value >= 1);

        Assert.Multiple(() =>
        {
            Assert.That(up, Is.EqualTo(1), "the target is up: the token was accepted");
            Assert.That(stored, Is.EqualTo(1));
        });
    }

    private const string MetricsPath = "/metrics";

    private static async Task<string> ScrapeAsync(HttpClient scraper)
    {
        var response = await scraper.GetAsync(MetricsPath);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Scrapes until <paramref name="done"/> holds (the exporter caches a scrape for 300 ms), for up to 10 s.</summary>
    private static async Task<string> ScrapeUntilAsync(HttpClient scraper, Func<string, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var text = await ScrapeAsync(scraper);
            if (done(text) || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                return text;
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The sum of a metric's samples whose labels include every one of <paramref name="labels"/> (0 when none).</summary>
    private static double Value(string exposition, string metric, params string[] labels) =>
        exposition.Split('\n')
            .Select(line => Sample().Match(line))
            .Where(m => m.Success && m.Groups["name"].Value == metric && labels.All(l => m.Groups["labels"].Value.Contains(l, StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)")]
    private static partial Regex Sample();

    /// <summary>Debian's <c>prometheus</c> on a free port, scraping one target every second with a bearer token.</summary>
    private sealed class PrometheusServer : IDisposable
    {
        private readonly Process _process;
        private readonly string _directory;
        private readonly HttpClient _client;
        private readonly System.Text.StringBuilder _errors = new();

        private PrometheusServer(Process process, string directory, Uri address)
        {
            _process = process;
            _directory = directory;
            _client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        }

        public static PrometheusServer Start(Uri target, string token)
        {
            var directory = Directory.CreateTempSubdirectory("evaratech-prometheus-").FullName;
            var config = Path.Combine(directory, "prometheus.yml");
            File.WriteAllText(config, $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: evaratech
                    metrics_path: /metrics
                    authorization:
                      type: Bearer
                      credentials: {token}
                    static_configs:
                      - targets: ['{target.Authority}']
                """);
            var port = FreePorts.Next();
            var start = new ProcessStartInfo("prometheus")
            {
                ArgumentList =
                {
                    $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException("prometheus did not start (./build.sh setup installs it)");
            var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}"));
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, line) => server._errors.AppendLine(line.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        /// <summary>The instant query's single value once <paramref name="done"/> holds, within a minute (NaN when there was none).</summary>
        public async Task<double> QueryUntilAsync(string query, Func<double, bool> done)
        {
            var clock = Stopwatch.StartNew();
            var value = double.NaN;
            while (clock.Elapsed < TimeSpan.FromMinutes(1))
            {
                try
                {
                    using var answer = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/query?query={Uri.EscapeDataString(query)}"));
                    var result = answer.RootElement.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() == 1)
                    {
                        value = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                        if (done(value))
                        {
                            return value;
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Assert.That(_process.HasExited, Is.False, $"prometheus exited: {_errors}");
                }

                await Task.Delay(250);
            }

            return value;
        }

        public void Dispose()
        {
            _client.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }

            _process.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }
}
