using Cronos;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace EvaraTech.Infrastructure.Jobs;

public static class JobsRegistration
{
    public const string Schema = "hangfire";

    internal static void AddJobs(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        builder.Services.AddOptions<JobsOptions>().BindConfiguration(JobsOptions.Section)
            .Validate(o => o.Schedules.Values.All(IsCron), "Jobs:Schedules holds a cron expression per job id (five fields, or six with seconds first).")
            .ValidateOnStart();

        builder.Services.AddHangfire((services, configuration) => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                bootstrapper => bootstrapper.UseConnectionFactory(
                    new DataSourceConnectionFactory(services.GetRequiredService<NpgsqlDataSource>())),
                // The schema is installed by the migration step, so building the storage (the dashboard does it
                // while the pipeline is built) never touches the database.
                new PostgreSqlStorageOptions
                {
                    SchemaName = Schema,
                    PrepareSchemaIfNecessary = false,
                    QueuePollInterval = TimeSpan.FromSeconds(options.QueuePollIntervalSeconds),
                }));

        // The instances that run jobs also declare the schedules.
        if (options.ServerEnabled)
        {
            builder.Services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.WorkerCount;
                server.SchedulePollingInterval = TimeSpan.FromSeconds(options.SchedulePollingIntervalSeconds);
            });
            builder.Services.AddHostedService<RecurringJobsRegistration>();
        }
    }

    private static bool IsCron(string expression)
    {
        var format = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(expression, format, out _);
    }
}
