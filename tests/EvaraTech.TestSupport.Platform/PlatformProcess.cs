using System.Diagnostics;
using System.Globalization;

namespace EvaraTech.Benchmarks;

/// <summary>
/// The API as its own process, started as <c>./build.sh run</c> starts it (the Release build's
/// <c>EvaraTech.Api.dll</c> from its own folder, Development, the local Redis, the Hangfire server with its pollers)
/// on a database of the benchmark's choosing; its output goes to a log file. Reads the process's CPU time and peak
/// resident memory from <c>/proc</c>.
/// </summary>
public sealed class PlatformProcess : IDisposable
{
    private readonly Process _process;

    private PlatformProcess(Process process, Uri baseAddress, string log)
    {
        _process = process;
        BaseAddress = baseAddress;
        Log = log;
    }

    public Uri BaseAddress { get; }

    public string Log { get; }

    /// <summary>User and system CPU time of the process so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>The process's peak resident set (VmHWM), in bytes.</summary>
    public long PeakMemoryBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024).Single();

    public static async Task<PlatformProcess> StartAsync(BenchDatabase database, string url, string thingSpeakBaseUrl)
    {
        var dll = Environment.GetEnvironmentVariable("EVARA_BENCH_API_DLL")
            ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Api/bin/Release/net10.0/EvaraTech.Api.dll"));
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the API first (./build.sh build), or set EVARA_BENCH_API_DLL.", dll);
        }

        var log = Path.Combine(Path.GetTempPath(), $"evaratech-load-api-{DateTime.UtcNow:yyyyMMddHHmmss}.log");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // the content root: appsettings*.json and db/migrations
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ASPNETCORE_URLS"] = url,
                ["ConnectionStrings__Postgres"] = database.AppConnectionString,
                ["ConnectionStrings__PostgresAdmin"] = database.AdminConnectionString,
                ["ConnectionStrings__Redis"] = Environment.GetEnvironmentVariable("EVARA_BENCH_REDIS") ?? "127.0.0.1:56379",
                ["ThingSpeak__BaseUrl"] = thingSpeakBaseUrl,
                // The data set is seed-perf's; the demo's tenants and nodes would add a week's back-fill to the first poll.
                ["Demo__Seed"] = "false",
            },
        };
        var process = Process.Start(start)!;
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var platform = new PlatformProcess(process, new Uri(url), log);
        try
        {
            await platform.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
        }
        catch
        {
            platform.Dispose();
            throw;
        }

        Console.WriteLine($"API process {process.Id} ready at {url} (log: {log})");
        return platform;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode}; see {Log}.");
            }

            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"The API was not ready within {timeout}; see {Log}.");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
