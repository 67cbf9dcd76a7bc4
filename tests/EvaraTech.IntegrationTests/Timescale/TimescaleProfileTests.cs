using EvaraTech.Infrastructure.Migrations;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EvaraTech.IntegrationTests.Timescale;

/// <summary>The same migrations the platform runs, applied to a real TimescaleDB.</summary>
[NonParallelizable]
public sealed class TimescaleProfileTests
{
    private TimescaleHarness _harness = null!;
    private IReadOnlyList<string> _applied = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _harness = await TimescaleHarness.StartAsync();
        _applied = MigrationRunner.Run(
            _harness.ConnectionString, Path.Combine(AppContext.BaseDirectory, "db", "migrations"), NullLogger.Instance);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    [Test]
    public void Every_migration_applies()
    {
        var files = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "db", "migrations"), "*.sql").Select(Path.GetFileName);

        Assert.That(_applied, Is.EquivalentTo(files));
    }

    [Test]
    public async Task The_timescaledb_extension_is_active()
    {
        await using var connection = new NpgsqlConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", connection);

        var version = (string?)await command.ExecuteScalarAsync();

        Assert.That(version, Does.StartWith("2."));
    }

    [Test]
    public async Task The_module_schemas_exist()
    {
        await using var connection = new NpgsqlConnection(_harness.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_namespace WHERE nspname = ANY(@schemas)", connection);
        command.Parameters.AddWithValue("schemas", Platform.ModuleSchemas);

        Assert.That((long)(await command.ExecuteScalarAsync())!, Is.EqualTo(Platform.ModuleSchemas.Length));
    }
}
