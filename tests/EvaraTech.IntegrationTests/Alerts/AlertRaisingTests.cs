using EvaraTech.Infrastructure.Database;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.IntegrationTests.Telemetry;
using EvaraTech.Modules.Alerts.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// The race the incumbents lose: many batches breaching the same rule for the same node at once raise exactly one
/// alert; after it is resolved, a breach inside the cooldown raises none and one after it exactly one.
/// </summary>
public sealed class AlertRaisingTests : IntegrationTest
{
    private static readonly Guid Rule = Guid.Parse("0000000d-0000-4000-8000-000000000001");
    private const int CooldownMinutes = 15;

    [SetUp]
    public async Task ArrangeAsync()
    {
        await using (var connection = new NpgsqlConnection(Database.AdminConnectionString))
        {
            await connection.OpenAsync();
            await TelemetryScenario.CreateNodesAsync(connection);
        }

        await AlertRuleBuilder.ForNode(TelemetryScenario.Distributor, TelemetryScenario.Tank, Rule).Below(20, "water_level_percent").Severity("critical")
            .Cooldown(CooldownMinutes).InsertAsync(Database);
    }

    [Test]
    public async Task Twenty_concurrent_breaches_raise_one_alert_and_the_cooldown_holds_after_resolution()
    {
        var breach = DateTimeOffset.UtcNow.AddHours(-1);

        var raised = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => InTransactionAsync(lifecycle =>
            lifecycle.RaiseAsync(Rule, TelemetryScenario.Tank, 10 + i, "Tank below 20 %", breach.AddSeconds(i), CancellationToken.None))));
        var resolved = await InTransactionAsync(lifecycle => lifecycle.ResolveAsync(Rule, TelemetryScenario.Tank, breach.AddMinutes(10), null, CancellationToken.None));
        var inCooldown = await InTransactionAsync(lifecycle =>
            lifecycle.RaiseAsync(Rule, TelemetryScenario.Tank, 12, "Tank below 20 %", breach.AddMinutes(10 + CooldownMinutes - 1), CancellationToken.None));
        var afterCooldown = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => InTransactionAsync(lifecycle =>
            lifecycle.RaiseAsync(Rule, TelemetryScenario.Tank, 12, "Tank below 20 %", breach.AddMinutes(10 + CooldownMinutes + 1), CancellationToken.None))));

        Assert.Multiple(() =>
        {
            Assert.That(raised.Count(id => id is not null), Is.EqualTo(1), "one of twenty racing batches raises");
            Assert.That(resolved, Is.EqualTo(raised.Single(id => id is not null)));
            Assert.That(inCooldown, Is.Null, "a breach inside the cooldown raises nothing");
            Assert.That(afterCooldown.Count(id => id is not null), Is.EqualTo(1), "one after it raises exactly one");
        });
        Assert.That(await Database.ScalarAsync<string>($"""
            SELECT string_agg(status || '/' || coalesce(resolution, '-'), ',' ORDER BY triggered_at) FROM alerts.alert_history WHERE rule_id = '{Rule}'
            """), Is.EqualTo("resolved/auto,triggered/-"));
    }

    [Test]
    public async Task A_raise_racing_a_resolution_waits_for_it_and_then_respects_the_cooldown()
    {
        var breach = DateTimeOffset.UtcNow.AddHours(-1);
        await InTransactionAsync(lifecycle => lifecycle.RaiseAsync(Rule, TelemetryScenario.Tank, 10, "Tank below 20 %", breach, CancellationToken.None));

        // The resolution holds its transaction open while a new breach tries to raise.
        using var resolving = Platform.Api.Services.CreateScope();
        resolving.ServiceProvider.GetRequiredService<EvaraTech.Application.Security.ICurrentUser>().ActAsSystem();
        var db = resolving.ServiceProvider.GetRequiredService<DbSession>();
        await db.BeginAsync(CancellationToken.None);
        await resolving.ServiceProvider.GetRequiredService<AlertLifecycle>().ResolveAsync(Rule, TelemetryScenario.Tank, breach.AddMinutes(1), null, CancellationToken.None);
        var racing = InTransactionAsync(lifecycle =>
            lifecycle.RaiseAsync(Rule, TelemetryScenario.Tank, 11, "Tank below 20 %", breach.AddMinutes(2), CancellationToken.None));
        await Task.Delay(300);
        var waited = !racing.IsCompleted;
        await db.CommitAsync(CancellationToken.None);

        Assert.That(waited, Is.True, "the raise waits for the resolution's lock");
        Assert.That(await racing, Is.Null, "and then sees the resolution: inside the cooldown, nothing is raised");
    }

    private static Task<T> InTransactionAsync<T>(Func<AlertLifecycle, Task<T>> work) =>
        Platform.Api.Services.GetRequiredService<IServiceScopeFactory>().RunAsync(services => work(services.GetRequiredService<AlertLifecycle>()), CancellationToken.None);
}
