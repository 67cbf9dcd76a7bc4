using Dapper;
using EvaraTech.Application.Security;
using EvaraTech.Domain;
using EvaraTech.Infrastructure.Database;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Reporting.Persistence;
using EvaraTech.Modules.Tenancy.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>
/// The request path's settings (docs/adr/0008-request-path-connections.md): the platform's connections prepare the statements they repeat and are not reset
/// with <c>DISCARD ALL</c> between requests, and the hot reads are written so that PostgreSQL runs them on a cached
/// generic plan instead of planning them per request (planning a short read costs many times the read).
/// </summary>
[NonParallelizable]
public sealed class StatementPreparationTests
{
    private const string Prepared = """
        SELECT coalesce(sum(generic_plans), 0) AS Generic, coalesce(sum(custom_plans), 0) AS Custom
        FROM pg_prepared_statements
        WHERE statement LIKE @Pattern
        """;

    [Test]
    public void The_platforms_connections_prepare_repeated_statements_skip_the_reset_and_keep_a_small_pool()
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionStrings.Postgres(Configuration("Host=db;Username=app")));
        var kept = new NpgsqlConnectionStringBuilder(ConnectionStrings.Postgres(
            Configuration("Host=db;Username=app;Max Auto Prepare=5;No Reset On Close=false;Maximum Pool Size=7")));

        Assert.Multiple(() =>
        {
            Assert.That(builder.MaxAutoPrepare, Is.EqualTo(256));
            Assert.That(builder.AutoPrepareMinUsages, Is.EqualTo(2));
            Assert.That(builder.NoResetOnClose, Is.True);
            Assert.That(kept.MaxAutoPrepare, Is.EqualTo(5), "a connection string's own setting wins");
            Assert.That(builder.MaxPoolSize, Is.EqualTo(ConnectionStrings.DefaultMaxPoolSize).And.AtLeast(20), "a pool sized to the cores");
            Assert.That(kept.NoResetOnClose, Is.False, "a connection string's own setting wins");
            Assert.That(kept.MaxPoolSize, Is.EqualTo(7), "a connection string's own setting wins");
        });
    }

    /// <remarks>
    /// The active alerts, as the dashboard lists them. The unfiltered timeline of a superadmin is still planned per
    /// request: with its <c>LIMIT</c> unknown, the generic plan costs out as a sort of every alert.
    /// </remarks>
    [TestCase(ScopeKind.Everything)]
    [TestCase(ScopeKind.Distributor)]
    [TestCase(ScopeKind.Customer)]
    public async Task The_active_alert_page_runs_on_a_generic_plan(ScopeKind kind)
    {
        var scope = Scope(kind);
        var (sql, parameters) = AlertHistory.PageQuery(new AlertFilter(scope, true, [], [], null, null, null), null, 11);

        var plans = await RepeatAsync(scope, sql, parameters, "%FROM alerts.alert_history h%");

        Assert.That(plans.Generic, Is.GreaterThan(0), $"custom plans only ({plans.Custom}): the page is planned on every request");
    }

    [Test]
    public async Task The_dashboard_lookup_runs_on_a_generic_plan()
    {
        var scope = Scope(ScopeKind.Distributor);
        var (kind, id) = DashboardStatsView.KeyOf(scope)!.Value;

        var plans = await RepeatAsync(scope, DashboardStatsView.OfScope, new { Kind = kind, Id = id }, "%FROM reporting.dashboard_stats%");

        Assert.That(plans.Generic, Is.GreaterThan(0), $"custom plans only ({plans.Custom})");
    }

    [Test]
    public async Task The_platforms_own_transactions_use_generic_plans_and_requests_choose_per_statement()
    {
        var scopes = Platform.Api.Services.GetRequiredService<IServiceScopeFactory>();
        var system = await scopes.RunAsync(services => CurrentPlanCacheModeAsync(services.GetRequiredService<DbSession>()), CancellationToken.None);
        await using var request = scopes.CreateAsyncScope();
        request.ServiceProvider.GetRequiredService<CurrentUser>().SignIn(new UserProfile(
            Guid.NewGuid(), "plans@evara.test", "Plans", Role.Superadmin, "free", null, null, true));
        var user = await CurrentPlanCacheModeAsync(request.ServiceProvider.GetRequiredService<DbSession>());

        Assert.Multiple(() =>
        {
            Assert.That(system, Is.EqualTo("force_generic_plan"));
            Assert.That(user, Is.EqualTo("auto"));
        });
    }

    private static async Task<string> CurrentPlanCacheModeAsync(DbSession db)
    {
        var connection = await db.ConnectionAsync(CancellationToken.None);
        return await connection.QuerySingleAsync<string>("SELECT current_setting('plan_cache_mode')", transaction: db.Transaction);
    }

    private static TenantScope Scope(ScopeKind kind) => kind switch
    {
        ScopeKind.Everything => TenantScope.Everything,
        ScopeKind.Distributor => TenantScope.OfDistributor(Guid.NewGuid()),
        _ => TenantScope.OfCustomer(Guid.NewGuid(), Guid.NewGuid()),
    };

    /// <summary>Runs a statement as requests do, ten times on one pooled connection of the host, and reads its plan cache.</summary>
    private static async Task<(long Generic, long Custom)> RepeatAsync(TenantScope scope, string sql, object parameters, string pattern)
    {
        var dataSource = Platform.Api.Services.GetRequiredService<NpgsqlDataSource>();
        await using var connection = await dataSource.OpenConnectionAsync();
        for (var i = 0; i < 10; i++)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await QueryPlans.SetContextAsync(connection, transaction, scope);
            _ = (await connection.QueryAsync(sql, parameters, transaction)).ToList();
            await transaction.RollbackAsync();
        }

        return await connection.QuerySingleAsync<(long Generic, long Custom)>(Prepared, new { Pattern = pattern });
    }

    private static IConfiguration Configuration(string postgres) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = postgres }).Build();
}
