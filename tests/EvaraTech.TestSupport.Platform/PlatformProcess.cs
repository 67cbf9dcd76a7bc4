using System.Diagnostics;
using System.Globalization;

namespace EvaraTech.TestSupport;

/// <summary>
/// The API as its own process, started as <c>./build.sh run</c> starts it (the built <c>EvaraTech.Api.dll</c> from
/// its own folder, Development, the Hangfire server with its pollers) with the settings given; its output goes to a log
/// file. Reads the process's CPU time and peak resident memory from <c>/proc</c>, and can be killed as a crash kills it.
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

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

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

    /// <summary>The Release build's API (or <c>EVARA_BENCH_API_DLL</c>) of this checkout.</summary>
    public static string ApiDll() => Environment.GetEnvironmentVariable("EVARA_BENCH_API_DLL") is { Length: > 0 } configured
        ? configured
        : Path.Combine(Checkout.Root, "src/Api/bin/Release/net10.0/EvaraTech.Api.dll");

    /// <param name="settings">environment variables on top of Development and <paramref name="url"/> (connection strings, options)</param>
    /// <param name="waitUntilReady">return once <c>/health/ready</c> answers 200 (else at once)</param>
    public static async Task<PlatformProcess> StartAsync(string url, IReadOnlyDictionary<string, string> settings, string name = "api", bool waitUntilReady = true)
    {
        var dll = ApiDll();
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the API first (./build.sh build), or set EVARA_BENCH_API_DLL.", dll);
        }

        var log = Path.Combine(Path.GetTempPath(), $"evaratech-{name}-{DateTime.UtcNow:yyyyMMddHHmmssfff}.log");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // the content root: appsettings*.json and db/migrations
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = url;
        // Several instances run side by side: the embedded MQTT broker would want the one port 1883.
        start.Environment["Mqtt__Mode"] = "off";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var platform = new PlatformProcess(process, new Uri(url), log);
        if (!waitUntilReady)
        {
            return platform;
        }

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

    /// <summary>Whether <c>/health/ready</c> answers 200 now.</summary>
    public async Task<bool> IsReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync("/health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false; // not listening (yet, or any more)
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with code {_process.ExitCode}; see {Log}.");
            }

            if (await IsReadyAsync())
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"The API was not ready within {timeout}; see {Log}.");
    }

    /// <summary>SIGTERM, as an orchestrator stops it, then waits for the graceful shutdown to end.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var waiting = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(waiting.Token);
    }

    /// <summary>SIGKILL, as a crash or the OOM killer ends it: no shutdown of any kind.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit(10_000);
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
