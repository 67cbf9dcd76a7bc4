using EvaraTech.Modules.Audit.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace EvaraTech.IntegrationTests.Audit;

/// <summary>Retention drops whole monthly partitions through the maintenance role; future months exist ahead of time.</summary>
public sealed class PartitionMaintenanceTests : IntegrationTest
{
    [Test]
    public async Task Old_partitions_are_dropped_and_the_coming_months_exist()
    {
        // A raw INSERT on purpose: the row must land in the hand-made January 2020 partition, which is what maintenance drops.
        await Database.ExecuteAsync("""
            CREATE TABLE IF NOT EXISTS audit.audit_logs_2020_01 PARTITION OF audit.audit_logs FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
            INSERT INTO audit.audit_logs (id, "timestamp", action_type, resource_type) VALUES (gen_random_uuid(), '2020-01-15', 'ACCESS', 'old');
            """);

        var changes = await Platform.Api.Services.GetRequiredService<AuditPartitionMaintenance>().RunAsync(CancellationToken.None);

        var partitions = await Database.ScalarAsync<string>("""
            SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'audit.audit_logs'::regclass
            """);
        var thisMonth = DateTime.UtcNow;
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(changes, Does.Contain(("dropped", "audit_logs_2020_01")));
            Assert.That(partitions, Does.Not.Contain("audit_logs_2020_01"));
            for (var i = 0; i <= 3; i++)
            {
                Assert.That(partitions, Does.Contain($"audit_logs_{thisMonth.AddMonths(i):yyyy_MM}"));
            }

            Assert.That(await Database.ScalarAsync<long>("SELECT count(*) FROM audit.audit_logs_default"), Is.Zero, "no row fell outside the monthly partitions");
        });
    }
}
