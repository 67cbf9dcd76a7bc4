using EvaraTech.Application.Security;
using EvaraTech.IntegrationTests.Infrastructure;
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
    public static async Task<AlertScenario> ArrangeAsync(TestDatabase database, TenantWorld world)
    {
        var scenario = new AlertScenario(Guid.CreateVersion7(), Guid.CreateVersion7());
        await database.ExecuteAsync("""
            INSERT INTO nodes.nodes (id, node_key, label, category, analytics_type, tenant_type, customer_id, owner_distributor_id, owner_community_id)
            VALUES (@t1, 'alert-tank-1', 'Tank One', 'OHT', 'EvaraTank', 'customer', @k1, @d1, @c1),
                   (@t2, 'alert-tank-2', 'Tank Two', 'OHT', 'EvaraTank', 'customer', @k2, @d2, @c2);
            INSERT INTO nodes.node_operational_state (node_id) VALUES (@t1), (@t2);
            INSERT INTO nodes.device_config_tank (node_id, max_depth_cm) VALUES (@t1, 300), (@t2, 300);
            INSERT INTO nodes.thingspeak_field_mappings (id, node_id, thingspeak_field_name, canonical_field_name, data_type)
            VALUES (gen_random_uuid(), @t1, 'field1', 'water_level_cm', 'float'), (gen_random_uuid(), @t2, 'field1', 'water_level_cm', 'float');
            """, ("t1", scenario.Tank1), ("t2", scenario.Tank2), ("k1", world.Customer1), ("k2", world.Customer2), ("d1", world.Distributor1),
            ("d2", world.Distributor2), ("c1", world.Community1), ("c2", world.Community2));
        return scenario;
    }

    /// <summary>
    /// A rule of <paramref name="distributor"/> for every tank: below 50 cm, no duration, no cooldown; the instance's rule
    /// cache is told, as the rules API tells it.
    /// </summary>
    public static async Task AddLowTankRuleAsync(TestDatabase database, WebApplicationFactory<Program> api, Guid distributor, string severity = "critical")
    {
        await database.ExecuteAsync("""
            INSERT INTO alerts.alert_rules (id, owner_distributor_id, name, selector_analytics_type, metric, operator, threshold, severity, cooldown_minutes)
            VALUES (gen_random_uuid(), @owner, 'Tank low', 'EvaraTank', 'water_level_cm', '<', 50, @severity, 0)
            """, ("owner", distributor), ("severity", severity));
        api.Services.GetRequiredService<AlertRulesCache>().Invalidate(distributor);
    }

    /// <summary>Stores the levels (cm) at their times, as a device push would; the alerts follow when it commits.</summary>
    public static Task RecordAsync(WebApplicationFactory<Program> api, Guid node, params (double Level, DateTimeOffset At)[] readings) =>
        RecordFieldAsync(api, node, [.. readings.Select(r => (r.Level.ToString(System.Globalization.CultureInfo.InvariantCulture), r.At))]);

    /// <summary>Stores raw field1 values at their times through the real pipeline (as the platform's own work).</summary>
    public static async Task RecordFieldAsync(WebApplicationFactory<Program> api, Guid node, params (string Field1, DateTimeOffset At)[] entries)
    {
        using var scope = api.Services.CreateScope();
        scope.ServiceProvider.GetRequiredService<ICurrentUser>().ActAsSystem();
        await scope.ServiceProvider.GetRequiredService<ISender>().Send(new RecordTelemetryBatchCommand(node, IngestionSources.Push,
            [.. entries.Select(e => new RawEntry(e.At, null, new Dictionary<string, string?> { ["field1"] = e.Field1 }))]));
    }
}
