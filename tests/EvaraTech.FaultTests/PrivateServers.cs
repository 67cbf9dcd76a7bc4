using System.Diagnostics;
using EvaraTech.TestSupport;

namespace EvaraTech.FaultTests;

/// <summary>
/// A PostgreSQL cluster of the run's own (scripts/local-postgres.sh with its own port and directory, created afresh),
/// so stopping it disturbs nothing else on the machine.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const int Port = 55442;
    private static readonly string State = Path.Combine(Path.GetTempPath(), "evaratech-faults-pg");

    public string AdminConnectionString { get; } =
        $"Host=127.0.0.1;Port={Port};Database=evaratech;Username=evara;Password=evara-local-admin;Pooling=false";

    public string AppConnectionString { get; } = $"Host=127.0.0.1;Port={Port};Database=evaratech;Username=evara_app;Password=evara-local-app";

    public static async Task<PrivatePostgres> CreateAsync()
    {
        var postgres = new PrivatePostgres();
        await postgres.StopAsync();
        if (Directory.Exists(State))
        {
            Directory.Delete(State, recursive: true);
        }

        await postgres.StartAsync();
        return postgres;
    }

    public Task StartAsync() => ScriptAsync("start");

    /// <summary>A fast shutdown: sessions are ended, in-flight transactions rolled back.</summary>
    public Task StopAsync() => ScriptAsync("stop");

    private static async Task ScriptAsync(string verb)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Checkout.Root, "scripts/local-postgres.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["EVARA_PG_PORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["EVARA_PG_STATE"] = State;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"local-postgres.sh {verb} failed: {await output}{await errors}");
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

/// <summary>A Redis server of the run's own, stopped by killing it.</summary>
public sealed class PrivateRedis : IDisposable
{
    private const int Port = 56389;
    private Process? _server;

    public string ConnectionString => $"127.0.0.1:{Port}";

    public void Start()
    {
        _server = Process.Start(new ProcessStartInfo("redis-server",
            ["--bind", "127.0.0.1", "--port", $"{Port}", "--save", "", "--appendonly", "no", "--daemonize", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        _server.StandardOutput.ReadToEndAsync();
        for (var attempt = 0; attempt < 50 && !Answers(); attempt++)
        {
            Thread.Sleep(100);
        }
    }

    public void Kill()
    {
        _server?.Kill();
        _server?.WaitForExit(5_000);
        _server?.Dispose();
        _server = null;
    }

    private static bool Answers()
    {
        try
        {
            using var client = new System.Net.Sockets.TcpClient("127.0.0.1", Port);
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public void Dispose() => Kill();
}
