using System.Diagnostics;
using EvaraTech.TestSupport;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// A Node.js test tool under <c>tests/&lt;folder&gt;</c> (its <c>server.mjs</c>, installed by <c>./build.sh setup</c>): ready
/// when it prints <c>READY &lt;port&gt;</c>, stopped by closing its standard input (or by our death).
/// </summary>
public sealed class NodeTestTool : IAsyncDisposable
{
    private readonly Process _process;

    private NodeTestTool(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static async Task<NodeTestTool> StartAsync(string folder, string name, IReadOnlyDictionary<string, string> environment)
    {
        var directory = Path.Combine(Checkout.Root, "tests", folder);
        if (!Directory.Exists(Path.Combine(directory, "node_modules")))
        {
            throw new InvalidOperationException($"Run ./build.sh setup first: {directory}/node_modules is missing.");
        }

        var start = new ProcessStartInfo("node", "server.mjs")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (errors) { errors.AppendLine(e.Data); } };
        process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("READY ", StringComparison.Ordinal))
            {
                return new NodeTestTool(process, int.Parse(line["READY ".Length..], System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException($"The {name} exited before it was ready: {errors}");
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
