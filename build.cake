// EvaraTech build script. Targets: setup, build, migrate, run, test, faults, bench, seed-perf (./build.sh <target>).
using System.Text.RegularExpressions;
using System.Xml.Linq;

var target = Argument("target", "build");
var configuration = Argument("configuration", "Release");
var root = MakeAbsolute(Directory("."));
var solution = root.CombineWithFilePath("EvaraTech.sln");
var artifacts = root.Combine("artifacts");
var testResults = artifacts.Combine("test-results");

string Env(string name, string fallback) =>
    string.IsNullOrEmpty(EnvironmentVariable(name)) ? fallback : EnvironmentVariable(name);

// The local platform's settings (scripts/local-env.sh holds the same defaults for the shell scripts).
var pgPort = Env("EVARA_PG_PORT", "55432");
var redisPort = Env("EVARA_REDIS_PORT", "56379");
var adminConnection = Env("ConnectionStrings__PostgresAdmin",
    $"Host=127.0.0.1;Port={pgPort};Database=evaratech;Username={Env("EVARA_PG_ADMIN_USER", "evara")};Password={Env("EVARA_PG_ADMIN_PASSWORD", "evara-local-admin")}");
var appConnection = Env("ConnectionStrings__Postgres",
    $"Host=127.0.0.1;Port={pgPort};Database=evaratech;Username={Env("EVARA_PG_APP_USER", "evara_app")};Password={Env("EVARA_PG_APP_PASSWORD", "evara-local-app")}");
var redisConnection = Env("ConnectionStrings__Redis", $"127.0.0.1:{redisPort}");
var apiUrl = Env("EVARA_API_URL", "http://127.0.0.1:5080");
var simulatorUrl = Env("EVARA_SIMULATOR_URL", "http://127.0.0.1:5090");

Dictionary<string, string> PlatformEnvironment() => new()
{
    ["ConnectionStrings__Postgres"] = appConnection,
    ["ConnectionStrings__PostgresAdmin"] = adminConnection,
    ["ConnectionStrings__Redis"] = redisConnection,
    ["ASPNETCORE_ENVIRONMENT"] = Env("ASPNETCORE_ENVIRONMENT", "Development"),
    ["ASPNETCORE_URLS"] = apiUrl,
};

DirectoryPath ApiFolder() => root.Combine($"src/Api/bin/{configuration}/net10.0");
string SimulatorDll() => root.CombineWithFilePath($"tools/EvaraTech.Simulator/bin/{configuration}/net10.0/EvaraTech.Simulator.dll").FullPath;
string ApiDll() => ApiFolder().CombineWithFilePath("EvaraTech.Api.dll").FullPath;

void Bash(string script, params string[] args)
{
    var exit = StartProcess("bash", new ProcessSettings { Arguments = ProcessArgumentBuilder.FromStrings(new[] { script }.Concat(args)) });
    if (exit != 0) throw new CakeException($"{script} failed with exit code {exit}");
}

Task("setup")
    .Description("Make this Debian machine ready: PostgreSQL 15 (+PostGIS, pg_partman), Redis, Node test tools.")
    .Does(() => Bash("scripts/setup.sh"));

var web = root.Combine("src/Web");

int Npm(string arguments, IDictionary<string, string> environment = null) => StartProcess("npx", new ProcessSettings
{
    Arguments = arguments,
    WorkingDirectory = web,
    EnvironmentVariables = environment ?? new Dictionary<string, string>(),
});

Task("build")
    .Description("Build the web console (src/Web: npm packages from the lock file, type check, Vite) and compile the solution.")
    .Does(() =>
    {
        var modules = web.CombineWithFilePath("node_modules/.package-lock.json");
        if (!FileExists(modules) || System.IO.File.GetLastWriteTimeUtc(web.CombineWithFilePath("package-lock.json").FullPath) > System.IO.File.GetLastWriteTimeUtc(modules.FullPath))
        {
            var installed = StartProcess("npm", new ProcessSettings { Arguments = "ci --no-audit --no-fund --loglevel=error", WorkingDirectory = web });
            if (installed != 0) throw new CakeException("npm ci failed in src/Web.");
        }

        if (StartProcess("npm", new ProcessSettings { Arguments = "run build", WorkingDirectory = web }) != 0) throw new CakeException("The web console's build failed.");
        DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration });
    });

Task("migrate")
    .Description("Apply pending SQL migrations to the configured database.")
    .IsDependentOn("setup")
    .IsDependentOn("build")
    .Does(() =>
    {
        var exit = StartProcess("dotnet", new ProcessSettings
        {
            Arguments = ProcessArgumentBuilder.FromStrings(new[] { ApiDll(), "migrate" }),
            WorkingDirectory = ApiFolder(), // the content root: appsettings*.json and db/migrations
            EnvironmentVariables = PlatformEnvironment(),
        });
        if (exit != 0) throw new CakeException("Migrations failed.");
    });

Task("run")
    .Description("Run the platform on the embedded default (local PostgreSQL, Redis, migrations, demo data) with the ThingSpeak simulator the demo nodes poll.")
    .IsDependentOn("setup")
    .IsDependentOn("build")
    .Does(() =>
    {
        Bash("scripts/local-redis.sh", "start");
        // The demo channels live in the simulator: the API polls it instead of api.thingspeak.com, and the simulator
        // plays the demo's MQTT devices against the API's broker with a password made for this run.
        var mqttPort = Env("Mqtt__Port", "1883");
        var mqttPassword = System.Security.Cryptography.RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
        using var simulator = StartAndReturnProcess("dotnet", new ProcessSettings
        {
            Arguments = ProcessArgumentBuilder.FromStrings(new[] { SimulatorDll(), "--urls", simulatorUrl, "--mqtt", $"mqtt://127.0.0.1:{mqttPort}", "--mqtt-password", mqttPassword }),
        });
        Information("");
        Information($"Web console:       {apiUrl}/");
        Information($"API:               {apiUrl}/api/v1");
        Information($"API reference UI:  {apiUrl}/scalar");
        Information($"OpenAPI document:  {apiUrl}/openapi/v1.json");
        Information($"Hangfire:          {apiUrl}/hangfire");
        Information($"Health:            {apiUrl}/health/ready");
        Information($"Metrics:           {apiUrl}/metrics (Prometheus; this machine only unless Metrics__ScrapeToken is set)");
        Information($"MQTT broker:       mqtt://127.0.0.1:{mqttPort} and {apiUrl.Replace("http", "ws")}/mqtt (ThingSpeak's topics; password: the channel's write key; the Whitefield tank and inlet meter report here)");
        Information($"ThingSpeak sim.:   {simulatorUrl}/channels/2900001/feeds.json?api_key=DEMOREADKEY00001");
        Information("Press Ctrl+C to stop.");
        Information("");
        var environment = PlatformEnvironment();
        environment["ThingSpeak__BaseUrl"] = simulatorUrl + "/";
        environment["Demo__MqttPassword"] = mqttPassword;
        environment["Web__Root"] = web.Combine("dist").FullPath;
        try
        {
            var exit = StartProcess("dotnet", new ProcessSettings
            {
                Arguments = ProcessArgumentBuilder.FromStrings(new[] { ApiDll() }),
                WorkingDirectory = ApiFolder(), // the content root: appsettings*.json and db/migrations
                EnvironmentVariables = environment,
            });
            if (exit != 0) throw new CakeException($"The API exited with code {exit}.");
        }
        finally
        {
            simulator.Kill();
        }
    });

Task("test")
    .Description("Run every test project and print one summary line.")
    .IsDependentOn("setup")
    .IsDependentOn("build")
    .Does(() =>
    {
        CleanDirectory(testResults);
        var environment = new Dictionary<string, string>
        {
            ["EVARA_TEST_POSTGRES_ADMIN"] = adminConnection,
            ["EVARA_TEST_POSTGRES_APP_USER"] = Env("EVARA_PG_APP_USER", "evara_app"),
            ["EVARA_TEST_POSTGRES_APP_PASSWORD"] = Env("EVARA_PG_APP_PASSWORD", "evara-local-app"),
        };

        // One run per test project, each with its own results file, so no project's counts can be lost.
        var failures = new List<string>();
        foreach (var project in GetFiles("tests/*/*.csproj"))
        {
            var name = project.GetFilenameWithoutExtension().FullPath;
            try
            {
                DotNetTest(project.FullPath, new DotNetTestSettings
                {
                    Configuration = configuration,
                    NoBuild = true,
                    ResultsDirectory = testResults,
                    Loggers = new[] { $"trx;LogFileName={name}.trx", "console;verbosity=normal" },
                    EnvironmentVariables = environment,
                });
            }
            catch (Exception ex)
            {
                failures.Add($"{name}: {ex.Message}");
            }
        }

        // The web console: component tests (Vitest), then end to end in Debian's chromium against the platform that
        // Playwright starts on a fresh database (src/Web/playwright.config.ts).
        if (Npm("vitest run") != 0) failures.Add("web component tests");
        Bash("scripts/local-redis.sh", "start");
        Bash("scripts/e2e-database.sh");
        if (Npm("playwright test") != 0) failures.Add("web end-to-end tests");

        long passed = 0, failed = 0, skipped = 0;
        XNamespace ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";
        foreach (var trx in GetFiles(testResults.FullPath + "/**/*.trx"))
        {
            var counters = XDocument.Load(trx.FullPath).Descendants(ns + "Counters").First();
            long Count(string name) => long.Parse(counters.Attribute(name)?.Value ?? "0");
            passed += Count("passed");
            failed += Count("failed") + Count("error") + Count("timeout") + Count("aborted");
            skipped += Count("total") - Count("executed");
        }

        var unit = testResults.CombineWithFilePath("web-unit.xml");
        if (FileExists(unit))
        {
            var suites = XDocument.Load(unit.FullPath).Root;
            long Count(string name) => long.Parse(suites.Attribute(name)?.Value ?? "0");
            passed += Count("tests") - Count("failures") - Count("errors") - Count("skipped");
            failed += Count("failures") + Count("errors");
            skipped += Count("skipped");
        }

        var e2e = testResults.CombineWithFilePath("web-e2e.json");
        if (FileExists(e2e))
        {
            var stats = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(e2e.FullPath)).RootElement.GetProperty("stats");
            passed += stats.GetProperty("expected").GetInt64() + stats.GetProperty("flaky").GetInt64();
            failed += stats.GetProperty("unexpected").GetInt64();
            skipped += stats.GetProperty("skipped").GetInt64();
        }
        else
        {
            failures.Add("web end-to-end tests wrote no report");
        }

        // Name every failed test just above the summary, so a short CI excerpt still says what broke.
        foreach (var trx in GetFiles(testResults.FullPath + "/**/*.trx"))
        {
            foreach (var result in XDocument.Load(trx.FullPath).Descendants(ns + "UnitTestResult"))
            {
                var outcome = result.Attribute("outcome")?.Value;
                if (outcome is "Passed" or "NotExecuted") continue;
                var message = result.Descendants(ns + "Message").FirstOrDefault()?.Value ?? "";
                var firstLine = message.Split('\n')[0].Trim();
                Warning($"{outcome}: {trx.GetFilenameWithoutExtension()} {result.Attribute("testName")?.Value}: {(firstLine.Length > 400 ? firstLine[..400] : firstLine)}");
            }
        }

        var summary = $"tests: {passed} passed, {failed} failed, {skipped} skipped";
        System.IO.File.WriteAllText(testResults.CombineWithFilePath("summary.txt").FullPath, summary + Environment.NewLine);
        Information(summary);
        if (failures.Count > 0 || failed > 0 || passed == 0)
            throw new CakeException($"Tests failed ({summary}): {string.Join("; ", failures)}");
    });

Task("faults")
    .Description("The full fault run (tests/EvaraTech.FaultTests with EVARA_FAULTS=full): two instances under load through Redis, PostgreSQL, crash, simulator and connection faults; prints its table and writes artifacts/faults-full.md.")
    .IsDependentOn("setup")
    .IsDependentOn("build")
    .Does(() => DotNetTest(root.CombineWithFilePath("tests/EvaraTech.FaultTests/EvaraTech.FaultTests.csproj").FullPath, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = new[] { "console;verbosity=normal" },
        EnvironmentVariables = new Dictionary<string, string> { ["EVARA_FAULTS"] = "full" },
    }));

void Benchmarks(string failure, params string[] args)
{
    var exit = StartProcess("dotnet", new ProcessSettings
    {
        Arguments = ProcessArgumentBuilder.FromStrings(new[]
        {
            root.CombineWithFilePath($"bench/EvaraTech.Benchmarks/bin/{configuration}/net10.0/EvaraTech.Benchmarks.dll").FullPath,
        }.Concat(args)),
        EnvironmentVariables = new Dictionary<string, string>
        {
            ["EVARA_BENCH_POSTGRES_ADMIN"] = adminConnection,
            // The load test starts the API as ./build.sh run does: this build's binary, the local Redis.
            ["EVARA_BENCH_API_DLL"] = ApiDll(),
            ["EVARA_BENCH_REDIS"] = redisConnection,
        },
    });
    if (exit != 0) throw new CakeException(failure);
}

Task("bench")
    .Description("Run the benchmarks and print their report (--only=alerts|realtime|ingestion|archive|mqtt|scale|backfill|events|load|web; load takes --reuse-data, --think-only, --saturation-only).")
    .IsDependentOn("setup")
    .IsDependentOn("build")
    .Does(() =>
    {
        Bash("scripts/local-redis.sh", "start");
        var only = Argument("only", "");
        if (only != "web")
        {
            var args = new List<string>();
            if (only.Length > 0) args.Add(only);
            if (HasArgument("reuse-data")) args.Add("--reuse-data");
            if (HasArgument("saturation-only")) args.Add("--saturation-only");
            if (HasArgument("think-only")) args.Add("--think-only");
            Benchmarks("Benchmarks failed.", args.ToArray());
        }

        if (only is "" or "web")
        {
            // The console in Debian's chromium against the platform on a fresh database (src/Web/bench).
            Bash("scripts/e2e-database.sh");
            if (Npm("playwright test -c playwright.bench.config.ts") != 0) throw new CakeException("The web console's benchmark failed.");
        }
    });

Task("seed-perf")
    .Description("Recreate the evaratech_perf database with the production-equivalent data set (1,000 nodes, 10M readings, 50,000 alerts, 100 users).")
    .IsDependentOn("setup")
    .IsDependentOn("build")
    .Does(() => Benchmarks("seed-perf failed.", "seed-perf"));

RunTarget(target);
