using EvaraTech.Infrastructure.Migrations;
using EvaraTech.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace EvaraTech.IntegrationTests.Foundation;

/// <summary>The runner on fresh databases of its own: journaled, re-runnable, and atomic per file.</summary>
public sealed class MigrationRunnerTests
{
    private static string MigrationsFolder => Path.Combine(AppContext.BaseDirectory, "db", "migrations");

    [Test]
    public async Task A_second_run_applies_nothing()
    {
        await using var database = await TestDatabase.CreateAsync("rerun");

        var first = MigrationRunner.Run(database.AdminConnectionString, MigrationsFolder, NullLogger.Instance);
        var second = MigrationRunner.Run(database.AdminConnectionString, MigrationsFolder, NullLogger.Instance);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Not.Empty);
            Assert.That(first, Is.EquivalentTo(Directory.GetFiles(MigrationsFolder, "*.sql").Select(Path.GetFileName)));
            Assert.That(second, Is.Empty);
        });
    }

    [Test]
    public async Task A_broken_migration_rolls_back_and_is_reported_by_name()
    {
        await using var database = await TestDatabase.CreateAsync("broken");
        var folder = Directory.CreateTempSubdirectory("evara-migrations-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(MigrationsFolder, "*.sql"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }

            // The failing INSERT is the broken migration script under test, not test data.
            await File.WriteAllTextAsync(Path.Combine(folder, "9999_broken.sql"), """
                CREATE TABLE public.half_done (id int);
                INSERT INTO public.no_such_table VALUES (1);
                """);

            var failure = Assert.Throws<MigrationFailedException>(
                () => MigrationRunner.Run(database.AdminConnectionString, folder, NullLogger.Instance));

            var halfDone = await database.ScalarAsync<string>("SELECT to_regclass('public.half_done')::text");
            var journaled = await database.ScalarAsync<long>(
                "SELECT count(*) FROM public.schema_migrations WHERE scriptname = '9999_broken.sql'");
            Assert.Multiple(() =>
            {
                Assert.That(failure!.Script, Is.EqualTo("9999_broken.sql"));
                Assert.That(failure.Message, Does.Contain("9999_broken.sql").And.Contain("no_such_table"));
                Assert.That(halfDone, Is.Null, "the failed file's first statement was rolled back");
                Assert.That(journaled, Is.Zero);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public async Task A_broken_migration_stops_the_host_from_starting()
    {
        await using var database = await TestDatabase.CreateAsync("nostart");
        var folder = Directory.CreateTempSubdirectory("evara-migrations-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "0001_broken.sql"), "SELEC 1;");
            await using var api = ApiFactory.For(database, new Dictionary<string, string?> { ["Database:MigrationsPath"] = folder });

            var failure = Assert.Catch(() => _ = api.Server);

            Assert.That(failure!.ToString(), Does.Contain("0001_broken.sql"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
