using EvaraTech.Application.Security;
using EvaraTech.IntegrationTests.Infrastructure;
using EvaraTech.IntegrationTests.Infrastructure.TestData;
using EvaraTech.Modules.Alerts.Persistence;
using EvaraTech.Modules.Telemetry.Application.RecordTelemetryBatch;
using EvaraTech.Modules.Telemetry.Domain.Ingestion;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Alerts;

/// <summary>
/// A tank for each customer of the <see cref="TenantWorld"/> (tank 1: customer1 of distributor1 in community1; tank 2:
/// customer2 of distributor2), field1 mapped 1:1 to water_level_cm, and readings recorded through the real pipeline.
/// </summary>
public sealed record AlertScenario(Guid Tank1, Guid Tank2)
{
    public static async Task<AlertScenario> ArrangeAsync(TestDatabase database, TenantWorld world) => new(
        await TankAsync(database, "alert-tank-1", "Tank One", world.Customer1, world.Community1, world.Distributor1),
        await TankAsync(database, "alert-tank-2", "Tank Two", world.Customer2, world.Community2, world.Distributor2));

    private static Task<Guid> TankAsync(TestDatabase database, string key, string label, Guid customer, Guid community, Guid distributor) =>
        NodeBuilder.OfCustomer(customer, community, distributor).Named(key, label).WithState().WithTank(300).WithMapping("field1", "water_level_cm")
            .InsertAsync(database);

    /// <summary>
    /// A rule of <paramref name="distributor"/> for every tank: below 50 cm, no duration, no cooldown; the instance's rule
    /// cache is told, as the rules API tells it.
    /// </summary>
    public static async Task AddLowTankRuleAsync(TestDatabase database, WebApplicationFactory<Program> api, Guid distributor, string severity = "critical")
    {
        await AlertRuleBuilder.ForEvery(distributor, "EvaraTank").Severity(severity).Cooldown(0).InsertAsync(database);
        api.Services.GetRequiredService<AlertRulesCache>().Invalidate(distributor);
    }

    /// <summary>Stores the levels (cm) at their times, as a device push would; the alerts follow when it commits.</summary>
    public static Task RecordAsync(WebApplicationFactory<Program> api, Guid node, params (double Level, DateTimeOffset At)[] readings) =>
        RecordFieldAsync(api, node, [.. readings.Select(r => (r.Level.ToString(System.Globalization.CultureInfo.InvariantCulture), r.At))]);

    /// <summary>
    /// Stores raw field1 values at their times through the real pipeline (as the platform's own work), and waits for
    /// the platform's handlers of what was stored (alert evaluation among them).
    /// </summary>
    public static async Task RecordFieldAsync(WebApplicationFactory<Program> api, Guid node, params (string Field1, DateTimeOffset At)[] entries)
    {
        using var scope = api.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordTelemetryBatchCommand(node, IngestionSources.Push,
            [.. entries.Select(e => new RawEntry(e.At, null, new Dictionary<string, string?> { ["field1"] = e.Field1 }))]));
        await api.HandledAsync();
    }
}
