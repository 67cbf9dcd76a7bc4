using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EvaraTech.Infrastructure.Jobs;

internal static class JobsRegistration
{
    public const string Schema = "hangfire";

    public static void AddJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();

        builder.Services.AddHangfire((services, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                bootstrapper => bootstrapper.UseConnectionFactory(
                    new DataSourceConnectionFactory(services.GetRequiredService<NpgsqlDataSource>())),
                new PostgreSqlStorageOptions { SchemaName = Schema, PrepareSchemaIfNecessary = true }));

        if (options.ServerEnabled)
        {
            builder.Services.AddHangfireServer(server => server.WorkerCount = options.WorkerCount);
        }
    }
}
