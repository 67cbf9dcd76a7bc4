using Npgsql;

namespace EvaraTech.IntegrationTests.Infrastructure;

/// <summary>
/// Starts tests/timescale-harness/server.mjs: a real TimescaleDB (PGlite with the timescaledb extension) on a
/// free loopback port. It is single-connection, so clients here never pool.
/// </summary>
public sealed class TimescaleHarness : IAsyncDisposable
{
    private readonly NodeTestTool _server;

    private TimescaleHarness(NodeTestTool server)
    {
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = server.Port,
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

    public static async Task<TimescaleHarness> StartAsync() =>
        new(await NodeTestTool.StartAsync("timescale-harness", "TimescaleDB harness", new Dictionary<string, string> { ["PGLITE_PORT"] = "0" }));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
