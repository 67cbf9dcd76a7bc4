using EvaraTech.Modules.Alerts;
using EvaraTech.Modules.Audit;
using EvaraTech.Modules.Nodes;
using EvaraTech.Modules.Telemetry;
using EvaraTech.Modules.Tenancy;
using Npgsql;
using Respawn;

using EvaraTech.IntegrationTests.Infrastructure;

// The set-up fixture sits in the root namespace so it wraps every test of the assembly.
namespace EvaraTech.IntegrationTests;

/// <summary>
/// One migrated database and one API host for the whole run; Respawn empties the module schemas between tests.
/// </summary>
[SetUpFixture]
public sealed class Platform
{
    private static Respawner? _respawner;

    public static TestDatabase Database { get; private set; } = null!;

    public static ApiFactory Api { get; private set; } = null!;

    /// <summary>The identity provider's key set, served over real HTTP for asymmetric tokens.</summary>
    public static JwksServer Jwks { get; private set; } = null!;

    /// <summary>Only module data is reset: never Hangfire's tables, the migration journal or TimescaleDB's catalogue.</summary>
    public static readonly string[] ModuleSchemas =
        [TenancyModule.Schema, NodesModule.Schema, TelemetryModule.Schema, AlertsModule.Schema, AuditModule.Schema];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Database = await TestDatabase.CreateAsync("main");
        Jwks = await JwksServer.StartAsync();
        Api = ApiFactory.For(Database, new Dictionary<string, string?>
        {
            ["Auth:JwksUrl"] = Jwks.Url,
        });
        _ = Api.Server; // starts the host, which applies the migrations
        // Hangfire's static job filters log through the platform host, alive for the whole run (see ApiFactory.DisposeAsync).
        _ = Hangfire.Common.JobFilterProviders.Providers;

        await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
        await connection.OpenAsync();
        _respawner = await Respawner.CreateAsync(connection, new RespawnerOptions
        {
            DbAdapter = DbAdapter.Postgres,
            SchemasToInclude = [.. ModuleSchemas, "integration"],
            // Reference data the migrations wrote, not test data.
            TablesToIgnore = [new("telemetry", "storage"), new("telemetry", "rollup_definitions")],
        });
    }

    /// <summary>
    /// Empties the module schemas. The host's background work of the previous test (the realtime flush reads nodes and
    /// latest readings a moment after a batch) may still hold locks in another order: a deadlock is retried.
    /// </summary>
    public static async Task ResetAsync()
    {
        // The previous test's events finish their handlers before their tables are emptied under them.
        await Api.HandledAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(Database.AdminConnectionString);
                await connection.OpenAsync();
                await _respawner!.ResetAsync(connection);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await DemoPlatform.StopAsync();
        await Api.DisposeAsync();
        await Jwks.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Base of tests against the shared host: each starts from empty module tables.</summary>
public abstract class IntegrationTest
{
    protected static TestDatabase Database => Platform.Database;

    protected HttpClient Client { get; private set; } = null!;

    [SetUp]
    public async Task ResetDataAsync()
    {
        await Platform.ResetAsync();
        Client = Platform.Api.CreateClient();
    }

    [TearDown]
    public void DisposeClient() => Client.Dispose();

    /// <summary>Waits until the integration events published so far have been through their handlers.</summary>
    protected static Task HandledAsync() => Platform.Api.HandledAsync();

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    protected static HttpClient ClientWith(string token)
    {
        var client = Platform.Api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>Base of tests that need the tenant hierarchy and its users (<see cref="TenantWorld"/>).</summary>
public abstract class TenantWorldTest : IntegrationTest
{
    protected TenantWorld World { get; private set; } = null!;

    [SetUp]
    public async Task CreateWorldAsync() => World = await TenantWorld.CreateAsync(Database);
}
