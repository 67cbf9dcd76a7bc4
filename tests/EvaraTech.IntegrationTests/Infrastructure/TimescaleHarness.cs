using System.Diagnostics;
using EvaraTech.TestSupport;
using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// Starts tests/timescale-harness/server.mjs: a real TimescaleDB (PGlite with the timescaledb extension) on a
/// free loopback port. It is single-connection, so clients here never pool.
/// </summary>
public sealed class TimescaleHarness : IAsyncDisposable
{
    private readonly Process _process;

    private TimescaleHarness(Process process, int port)
    {
        _process = process;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = "postgres",
            Username = "postgres",
            Password = "postgres",
            SslMode = SslMode.Disable,
            Pooling = false,
            Timeout = 60,
            CommandTimeout = 120,
        }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<TimescaleHarness> StartAsync()
    {
        var folder = Path.Combine(Checkout.Root, "tests", "timescale-harness");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            throw new InvalidOperationException($"Run ./build.sh setup first: {folder}/node_modules is missing.");
        }

        var process = Process.Start(new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true, // closing it (or our death) stops the server
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["PGLITE_PORT"] = "0" },
        }) ?? throw new InvalidOperationException("node could not be started.");

        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                return new TimescaleHarness(process, int.Parse(line["READY ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"The TimescaleDB harness exited before it was ready: {errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
